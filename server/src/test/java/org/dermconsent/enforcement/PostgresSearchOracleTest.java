package org.dermconsent.enforcement;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresSearchOracleTest extends SearchOracleSuite {}

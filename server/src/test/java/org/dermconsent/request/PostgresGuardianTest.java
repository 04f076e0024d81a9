package org.dermconsent.request;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresGuardianTest extends GuardianSuite {}

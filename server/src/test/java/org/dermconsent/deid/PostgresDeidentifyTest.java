package org.dermconsent.deid;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresDeidentifyTest extends DeidentifySuite {}

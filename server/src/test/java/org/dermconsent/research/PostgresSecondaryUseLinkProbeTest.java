package org.dermconsent.research;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresSecondaryUseLinkProbeTest extends SecondaryUseLinkProbeSuite {}

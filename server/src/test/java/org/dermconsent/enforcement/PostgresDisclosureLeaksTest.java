package org.dermconsent.enforcement;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresDisclosureLeaksTest extends DisclosureLeaksSuite {}

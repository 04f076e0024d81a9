package org.dermconsent.enforcement.index;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresConcurrentConsentWritesTest extends ConcurrentConsentWritesSuite {}

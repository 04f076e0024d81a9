package org.dermconsent.enforcement.index;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2ConcurrentConsentWritesTest extends ConcurrentConsentWritesSuite {}

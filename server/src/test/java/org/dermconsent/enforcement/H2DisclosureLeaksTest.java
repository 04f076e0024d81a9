package org.dermconsent.enforcement;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2DisclosureLeaksTest extends DisclosureLeaksSuite {}

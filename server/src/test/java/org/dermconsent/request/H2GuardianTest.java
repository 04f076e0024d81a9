package org.dermconsent.request;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2GuardianTest extends GuardianSuite {}

package org.dermconsent.capture;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2ConsentCaptureTest extends ConsentCaptureSuite {}

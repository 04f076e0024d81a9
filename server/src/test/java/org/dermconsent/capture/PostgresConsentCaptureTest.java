package org.dermconsent.capture;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresConsentCaptureTest extends ConsentCaptureSuite {}

package org.dermconsent.vocabulary;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2ClientDevicesTest extends ClientDevicesSuite {}

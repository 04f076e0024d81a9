package org.dermconsent.vocabulary;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresClientDevicesTest extends ClientDevicesSuite {}

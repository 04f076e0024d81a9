package org.dermconsent.enforcement;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresBinaryOwnershipTest extends BinaryOwnershipSuite {}

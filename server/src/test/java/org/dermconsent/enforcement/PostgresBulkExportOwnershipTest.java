package org.dermconsent.enforcement;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresBulkExportOwnershipTest extends BulkExportOwnershipSuite {}

package org.dermconsent.dataset;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresDatasetTest extends DatasetSuite {}

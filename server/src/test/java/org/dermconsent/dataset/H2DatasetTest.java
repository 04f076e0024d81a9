package org.dermconsent.dataset;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2DatasetTest extends DatasetSuite {}

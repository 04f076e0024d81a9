package org.dermconsent.research;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2ResearchExportTest extends ResearchExportSuite {}

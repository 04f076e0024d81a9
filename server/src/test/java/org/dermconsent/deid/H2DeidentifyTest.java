package org.dermconsent.deid;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2DeidentifyTest extends DeidentifySuite {}

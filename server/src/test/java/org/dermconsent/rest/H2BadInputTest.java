package org.dermconsent.rest;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2BadInputTest extends BadInputSuite {}

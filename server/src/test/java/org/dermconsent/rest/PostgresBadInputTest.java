package org.dermconsent.rest;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresBadInputTest extends BadInputSuite {}

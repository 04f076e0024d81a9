package org.dermconsent.withdrawal;

import org.dermconsent.support.H2ServerTest;

@H2ServerTest
class H2WithdrawalNoticeTest extends WithdrawalNoticeSuite {}

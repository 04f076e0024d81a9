package org.dermconsent.withdrawal;

import org.dermconsent.support.PostgresServerTest;

@PostgresServerTest
class PostgresWithdrawalNoticeTest extends WithdrawalNoticeSuite {}

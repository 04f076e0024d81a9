package org.dermconsent.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The HAPI FHIR modules this server is made of: R4 JPA storage, batch jobs (bulk export, reindex) and
 * the channel factory that batch2 needs to dispatch work. Subscriptions delivery, MDM, CQL and
 * other FHIR versions are deliberately left out.
 */
@Configuration
@Import({
	JpaR4Config.class,
	ThreadPoolFactoryConfig.class,
	JpaBatch2Config.class,
	Batch2JobsConfig.class,
	SubscriptionChannelConfig.class
})
public class HapiJpaModulesConfig {}

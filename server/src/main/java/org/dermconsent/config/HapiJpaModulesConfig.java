package org.dermconsent.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import org.springframework.context.annotation.Bean;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The HAPI FHIR modules this server is made of: R4 JPA storage, batch jobs (bulk export, reindex) and
 * the channel factory that batch2 needs to dispatch work, and R4 Subscriptions (rest-hook only, matched in
 * memory) for withdrawal notices. MDM, CQL and other FHIR versions are deliberately left out.
 */
@Configuration
@Import({
	JpaR4Config.class,
	ThreadPoolFactoryConfig.class,
	JpaBatch2Config.class,
	Batch2JobsConfig.class,
	SubscriptionChannelConfig.class,
	SubscriptionSubmitterConfig.class,
	SubscriptionProcessorConfig.class
})
public class HapiJpaModulesConfig {

	/** HAPI's subscription delivery wants an email sender; email is not a supported channel, so none is ever sent. */
	@Bean
	public IEmailSender emailSender() {
		return details -> {
			throw new UnsupportedOperationException("Email subscriptions are not supported");
		};
	}
}

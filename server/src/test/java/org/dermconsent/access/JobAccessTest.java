package org.dermconsent.access;

import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.util.JsonUtil;
import org.dermconsent.consent.ImageUse;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class JobAccessTest {

	@Test
	void anAccessSurvivesTheJobsSerialization() {
		JobAccess access = new JobAccess(ImageUse.AI_TRAINING, Set.of("Device/lab a&b=c", "Organization/1"),
				Optional.of("lab a&b=c,%"));
		BulkExportJobParameters job = new BulkExportJobParameters();
		access.storeIn(job);

		BulkExportJobParameters stored = JsonUtil.deserialize(JsonUtil.serialize(job), BulkExportJobParameters.class);

		assertThat(JobAccess.of(stored)).contains(access);
	}

	@Test
	void anAccessWithoutClientOrActorsRoundTrips() {
		JobAccess access = new JobAccess(ImageUse.CLINICAL_CARE, Set.of(), Optional.empty());

		assertThat(JobAccess.decode(access.encode())).contains(access);
	}

	@Test
	void anythingElseIsNoAccess() {
		assertThat(JobAccess.of(new BulkExportJobParameters())).isEmpty();
		for (String encoded : new String[] {"", "purpose=", "purpose=secondary-use", "purpose=unknown",
				"purpose=ai-training&purpose=clinical-care", "purpose=ai-training&client=", "purpose=ai-training&client=a&client=b",
				"purpose=ai-training&owner=x", "purpose=ai-training&actor=%zz", "client=a", "purpose=ai-training&"}) {
			assertThat(JobAccess.decode(encoded)).as(encoded).isEmpty();
		}
	}

	@Test
	void aJobBelongsToItsPurposeAndClientOnly() {
		JobAccess access = new JobAccess(ImageUse.AI_TRAINING, Set.of(), Optional.of("lab-a"));

		assertThat(access.belongsTo(ImageUse.AI_TRAINING, Optional.of("lab-a"))).isTrue();
		assertThat(access.belongsTo(ImageUse.AI_TRAINING, Optional.of("lab-b"))).isFalse();
		assertThat(access.belongsTo(ImageUse.AI_TRAINING, Optional.empty())).isFalse();
		assertThat(access.belongsTo(ImageUse.RESEARCH, Optional.of("lab-a"))).isFalse();
		assertThat(new JobAccess(ImageUse.AI_TRAINING, Set.of(), Optional.empty())
				.belongsTo(ImageUse.AI_TRAINING, Optional.empty())).isTrue();
	}
}

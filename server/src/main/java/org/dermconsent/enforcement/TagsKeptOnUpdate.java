package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Media;

import java.util.Objects;

/**
 * Writes into an updated image the tags HAPI keeps for it. HAPI keeps a resource's tags across updates
 * (an update that leaves a tag out does not remove it, and every read shows it), but indexes the search
 * parameters of the body as sent; without this, {@code tag-index} would lose a tag that {@code _tag} still
 * finds, and a search through the index ({@link PostgresTagIndex}) would miss the image.
 */
@Interceptor
public class TagsKeptOnUpdate {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void keepPreviousTags(IBaseResource previous, IBaseResource resource) {
		if (previous instanceof Media before && resource instanceof Media after) {
			for (Coding tag : before.getMeta().getTag()) {
				if (after.getMeta().getTag().stream().noneMatch(kept -> sameTag(kept, tag))) {
					after.getMeta().addTag(tag.copy());
				}
			}
		}
	}

	private static boolean sameTag(Coding a, Coding b) {
		return Objects.equals(a.getSystem(), b.getSystem()) && Objects.equals(a.getCode(), b.getCode());
	}
}

package org.dermconsent.enforcement.index;

/**
 * Told, inside the transaction that rewrites an image's grant labels, that the image stopped being
 * permitted for some use or some requester (a withdrawal, a newer consent, a period that ended, a
 * relabel to identifiable). Whoever must act on that (withdrawal notices) records it in the same
 * transaction, so it commits, or rolls back, with the change.
 */
public interface GrantLossListener {

	/** {@code image} is {@code Media/<id>}; called once per image and label rewrite that lost a grant. */
	void grantLost(String image);
}

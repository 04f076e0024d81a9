/**
 * When metadata stripping is not enough to de-identify a skin image ({@link
 * org.dermconsent.deid.policy.IdentifiabilityRule}). Plain Java, no framework types.
 */
package org.dermconsent.deid.policy;

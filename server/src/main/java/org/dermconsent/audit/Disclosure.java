package org.dermconsent.audit;

import org.dermconsent.consent.ImageUse;

import java.time.Instant;

/**
 * One image (or its bytes) handed to a client for a purpose, or refused to it.
 *
 * @param resource  {@code Media/1} or {@code Binary/2}
 * @param patient   the patient the image is of, or null if unknown
 * @param purpose   the purpose of the request
 * @param client    the client (token {@code azp}), or null with security off
 * @param user      the user or service account (token {@code sub}), or null
 * @param permitted whether the image was disclosed
 * @param at        when
 */
public record Disclosure(String resource, String patient, ImageUse purpose, String client, String user,
		boolean permitted, Instant at) {}

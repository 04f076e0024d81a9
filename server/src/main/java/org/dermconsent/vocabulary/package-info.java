/**
 * The server's shared FHIR vocabulary, below every capability: the DermConsent profiles, the facts a
 * Media states about its image, which images a Binary's bytes belong to, which Binaries are export
 * files, local Binary references, and the marker on the server's own label writes. It imports no
 * other package of the server.
 */
package org.dermconsent.vocabulary;

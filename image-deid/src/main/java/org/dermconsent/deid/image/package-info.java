/**
 * Lossless removal of embedded metadata from JPEG and PNG images, for de-identified derivatives of
 * skin photographs. Entry point: {@link org.dermconsent.deid.image.ImageMetadataStripper}. Plain JDK
 * code with no runtime dependencies and no framework types.
 */
package org.dermconsent.deid.image;

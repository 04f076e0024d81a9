package org.dermconsent.deid.image;

import java.util.Objects;

/**
 * One piece of metadata removed from an image.
 *
 * @param kind what was removed, e.g. {@code "APP1/Exif"}, {@code "APP1/XMP"},
 *     {@code "APP13/IPTC-Photoshop"}, {@code "COM"}, {@code "PNG tEXt"},
 *     {@code "trailing data after EOI"}. Kinds are fixed vocabulary built by the stripper (plus PNG
 *     chunk type names, which are four ASCII letters); they never contain text taken from the
 *     metadata itself, so they are safe to record in a Provenance.
 * @param offset byte offset of the removed item (including its marker or chunk header) in the input
 * @param length number of input bytes the item occupied
 */
public record RemovedMetadata(String kind, int offset, int length) {

  public RemovedMetadata {
    Objects.requireNonNull(kind, "kind");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must not be negative");
    }
  }

  @Override
  public String toString() {
    return kind + " at offset " + offset + " (" + length + " bytes)";
  }
}

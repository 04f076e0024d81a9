package org.dermconsent.deid.image;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Detects an image container format from its leading bytes. Package-private. */
final class FormatDetector {

  /** Result of detection; {@code detail} adds precision for messages, e.g. the ISO-BMFF brand. */
  record Detection(ImageFormat format, String detail) {}

  static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  private static final Set<String> HEIF_BRANDS =
      Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "mif2");
  private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");

  private FormatDetector() {}

  static Detection detect(byte[] b) {
    int n = b.length;
    // DICOM first: its 128-byte preamble may itself look like another format (e.g. dual TIFF/DICOM).
    if (n >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M') {
      return new Detection(ImageFormat.DICOM, "128-byte preamble followed by \"DICM\"");
    }
    if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
      return new Detection(ImageFormat.JPEG, null);
    }
    if (startsWithPrefixOf(b, PNG_SIGNATURE)) {
      return new Detection(ImageFormat.PNG, null);
    }
    if (startsWith(b, "GIF87a") || startsWith(b, "GIF89a")) {
      return new Detection(ImageFormat.GIF, null);
    }
    if (n >= 4 && ((b[0] == 'I' && b[1] == 'I' && (b[2] == 42 || b[2] == 43) && b[3] == 0)
        || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 42 || b[3] == 43)))) {
      return new Detection(ImageFormat.TIFF, (b[2] == 43 || b[3] == 43) ? "BigTIFF" : null);
    }
    if (n >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
      return detectIsoBmff(b);
    }
    if (n >= 12 && startsWith(b, "RIFF") && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return new Detection(ImageFormat.WEBP, null);
    }
    if (n >= 12 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0x0C && b[4] == 'j' && b[5] == 'P'
        && b[6] == ' ' && b[7] == ' ') {
      return new Detection(ImageFormat.JPEG_2000, null);
    }
    if (n >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0x4F && (b[2] & 0xFF) == 0xFF
        && (b[3] & 0xFF) == 0x51) {
      return new Detection(ImageFormat.JPEG_2000, "raw codestream");
    }
    if ((n >= 2 && (b[0] & 0xFF) == 0xFF && b[1] == 0x0A)
        || (n >= 12 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0x0C && b[4] == 'J' && b[5] == 'X'
            && b[6] == 'L' && b[7] == ' ')) {
      return new Detection(ImageFormat.JPEG_XL, null);
    }
    if (n >= 14 && b[0] == 'B' && b[1] == 'M') {
      return new Detection(ImageFormat.BMP, null);
    }
    if (n == 0) {
      return new Detection(ImageFormat.UNKNOWN, "empty content");
    }
    return new Detection(ImageFormat.UNKNOWN, null);
  }

  private static Detection detectIsoBmff(byte[] b) {
    String major = brand(b, 8);
    if (HEIF_BRANDS.contains(major)) {
      return new Detection(ImageFormat.HEIF, "ISO-BMFF brand '" + major + "'");
    }
    if (AVIF_BRANDS.contains(major)) {
      return new Detection(ImageFormat.AVIF, "ISO-BMFF brand '" + major + "'");
    }
    // Look at compatible brands within the ftyp box.
    long boxSize = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    int end = (int) Math.min(boxSize, b.length);
    boolean heif = false;
    for (int i = 16; i + 4 <= end; i += 4) {
      String compatible = brand(b, i);
      if (AVIF_BRANDS.contains(compatible)) {
        return new Detection(ImageFormat.AVIF, "ISO-BMFF compatible brand '" + compatible + "'");
      }
      heif |= HEIF_BRANDS.contains(compatible);
    }
    if (heif) {
      return new Detection(ImageFormat.HEIF, "ISO-BMFF major brand '" + major + "'");
    }
    return new Detection(ImageFormat.UNKNOWN, "ISO base media file (brand '" + major + "'), not an image format");
  }

  /** Four-character brand, with anything but printable ASCII replaced by '?'. */
  private static String brand(byte[] b, int offset) {
    StringBuilder sb = new StringBuilder(4);
    for (int i = offset; i < offset + 4 && i < b.length; i++) {
      int c = b[i] & 0xFF;
      sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
    }
    return sb.toString();
  }

  private static boolean startsWith(byte[] b, String ascii) {
    byte[] p = ascii.getBytes(StandardCharsets.US_ASCII);
    if (b.length < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (b[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  /** True when b starts with the signature, or b is non-empty and a prefix of it (truncated signature). */
  private static boolean startsWithPrefixOf(byte[] b, byte[] signature) {
    int len = Math.min(b.length, signature.length);
    if (len == 0) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[i] != signature[i]) {
        return false;
      }
    }
    // A single 0x89 byte alone is too weak to call PNG; require at least "\x89P".
    return len >= 2;
  }
}

package org.dermconsent.deid.image;

/**
 * Reads the Orientation tag (0x0112) of IFD0 from a TIFF structure embedded in EXIF data. Never
 * throws: malformed EXIF yields {@code null} (it is removed anyway). Package-private.
 */
final class ExifOrientation {

  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;

  private ExifOrientation() {}

  /**
   * @param b buffer
   * @param tiffStart offset of the TIFF header ("II*\0" or "MM\0*")
   * @param tiffEnd end (exclusive) of the TIFF data
   * @return orientation 1-8, or {@code null} when absent, out of range or unreadable
   */
  static Integer read(byte[] b, int tiffStart, int tiffEnd) {
    if (tiffStart < 0 || tiffEnd > b.length || tiffEnd - tiffStart < 8) {
      return null;
    }
    boolean little;
    if (b[tiffStart] == 'I' && b[tiffStart + 1] == 'I') {
      little = true;
    } else if (b[tiffStart] == 'M' && b[tiffStart + 1] == 'M') {
      little = false;
    } else {
      return null;
    }
    if (u16(b, tiffStart + 2, little) != 42) {
      return null;
    }
    long ifd0 = u32(b, tiffStart + 4, little);
    long countPos = tiffStart + ifd0;
    if (ifd0 < 8 || countPos + 2 > tiffEnd) {
      return null;
    }
    int count = u16(b, (int) countPos, little);
    for (int i = 0; i < count; i++) {
      long entry = countPos + 2 + 12L * i;
      if (entry + 12 > tiffEnd) {
        return null;
      }
      int e = (int) entry;
      if (u16(b, e, little) == TAG_ORIENTATION) {
        int type = u16(b, e + 2, little);
        long n = u32(b, e + 4, little);
        if (type != TYPE_SHORT || n < 1) {
          return null;
        }
        int value = u16(b, e + 8, little);
        return value >= 1 && value <= 8 ? value : null;
      }
    }
    return null;
  }

  private static int u16(byte[] b, int p, boolean little) {
    int a = b[p] & 0xFF;
    int c = b[p + 1] & 0xFF;
    return little ? (c << 8) | a : (a << 8) | c;
  }

  private static long u32(byte[] b, int p, boolean little) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      int idx = little ? p + 3 - i : p + i;
      v = (v << 8) | (b[idx] & 0xFFL);
    }
    return v;
  }
}

package org.dermconsent.deid.image;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * Puts the EXIF orientation back into a stripped image, as the only metadata it carries: a minimal
 * EXIF block (a big-endian TIFF header and an IFD0 with the single Orientation tag 0x0112) in a JPEG
 * APP1 segment right after SOI (and the JFIF header, which must stay first) or in a PNG eXIf chunk
 * before the image data. The orientation is not identifying, and without it a viewer shows a
 * rotated photograph; the compressed pixel data is untouched. Plain JDK code.
 */
public final class OrientationTag {

  private OrientationTag() {}

  /**
   * @param stripped a JPEG or PNG produced by {@link ImageMetadataStripper} (no EXIF left in it)
   * @param orientation 1-8; 1 (the default, "upright") adds nothing
   * @return the image with the orientation recorded, or {@code stripped} itself for orientation 1
   */
  public static byte[] keep(byte[] stripped, ImageFormat format, int orientation) {
    if (orientation < 1 || orientation > 8) {
      throw new IllegalArgumentException("EXIF orientation must be 1-8, was " + orientation);
    }
    if (orientation == 1) {
      return stripped;
    }
    byte[] tiff = tiff(orientation);
    return switch (format) {
      case JPEG -> jpeg(stripped, tiff);
      case PNG -> png(stripped, tiff);
      default -> throw new IllegalArgumentException("only JPEG and PNG carry an orientation here");
    };
  }

  /** "MM", 42, IFD0 at offset 8 with one SHORT entry (Orientation), no next IFD: 26 bytes. */
  static byte[] tiff(int orientation) {
    return new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
        0, 0, 0, 0};
  }

  private static byte[] jpeg(byte[] b, byte[] tiff) {
    if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
      throw new IllegalArgumentException("not a JPEG");
    }
    int at = 2;
    if ((b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0xE0 && b.length >= 6) {
      at = 4 + (((b[4] & 0xFF) << 8) | (b[5] & 0xFF));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 36);
    out.write(b, 0, at);
    int length = 2 + 6 + tiff.length;
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(b, at, b.length - at);
    return out.toByteArray();
  }

  private static byte[] png(byte[] b, byte[] tiff) {
    int p = FormatDetector.PNG_SIGNATURE.length;
    while (p + 8 <= b.length) {
      int length = ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
      if (b[p + 4] == 'I' && b[p + 5] == 'D' && b[p + 6] == 'A' && b[p + 7] == 'T') {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 40);
        out.write(b, 0, p);
        byte[] type = {'e', 'X', 'I', 'f'};
        out.write(tiff.length >>> 24);
        out.write(tiff.length >>> 16);
        out.write(tiff.length >>> 8);
        out.write(tiff.length);
        out.writeBytes(type);
        out.writeBytes(tiff);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(tiff);
        long c = crc.getValue();
        out.write((int) (c >>> 24));
        out.write((int) (c >>> 16));
        out.write((int) (c >>> 8));
        out.write((int) c);
        out.write(b, p, b.length - p);
        return out.toByteArray();
      }
      p += 12 + length;
    }
    throw new IllegalArgumentException("PNG has no IDAT chunk");
  }
}

package org.dermconsent.deid.image;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Lossless PNG metadata stripper: validates the signature and every chunk's CRC, keeps the chunks
 * needed to render the pixels, and drops everything else. See {@link ImageMetadataStripper} for the
 * policy. Package-private; one instance per call.
 */
final class PngStripper {

  /**
   * Ancillary chunks kept because they change how pixels are rendered (transparency, gamma,
   * chromaticities, colour space, ICC profile, significant bits, HDR colour metadata, background)
   * or are harmless and affect display geometry (pHYs: pixel aspect ratio / density).
   */
  static final Set<String> KEPT_ANCILLARY =
      Set.of("tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "cICP", "mDCV", "cLLI", "bKGD", "pHYs");

  /** Animated PNG chunks; APNG is refused rather than silently flattened to its default image. */
  private static final Set<String> APNG_CHUNKS = Set.of("acTL", "fcTL", "fdAT");

  private final byte[] in;
  private final ByteArrayOutputStream out;
  private final List<RemovedMetadata> removed = new ArrayList<>();
  private final List<String> retained = new ArrayList<>();
  private Integer orientation;

  private PngStripper(byte[] in) {
    this.in = in;
    this.out = new ByteArrayOutputStream(in.length);
  }

  static StrippedImage strip(byte[] image, String declaredContentType) {
    PngStripper s = new PngStripper(image);
    byte[] result = s.run();
    return new StrippedImage(result, ImageFormat.PNG, s.removed, s.retained, s.orientation,
        declaredContentType, image.length);
  }

  private byte[] run() {
    int n = in.length;
    byte[] sig = FormatDetector.PNG_SIGNATURE;
    if (n < sig.length) {
      throw corrupt("PNG is truncated: only " + n + " bytes, the 8-byte signature is incomplete");
    }
    out.write(sig, 0, sig.length);
    int pos = sig.length;
    boolean seenIhdr = false;
    boolean seenIdat = false;
    boolean idatRunEnded = false;
    boolean seenIend = false;
    CRC32 crc = new CRC32();
    while (pos < n) {
      if ((long) pos + 8 > n) {
        throw corrupt("PNG is truncated: chunk header at offset " + pos + " runs past the end");
      }
      long length = u32(pos);
      if (length > 0x7FFF_FFFFL) {
        throw corrupt("PNG chunk at offset " + pos + " has invalid length " + length);
      }
      String type = chunkType(pos + 4);
      if (type == null) {
        throw corrupt("invalid PNG chunk type at offset " + pos + " (not four ASCII letters)");
      }
      long endL = (long) pos + 12 + length;
      if (endL > n) {
        throw corrupt("PNG is truncated: chunk " + type + " at offset " + pos + " runs past the end (declares "
            + length + " data bytes, " + Math.max(0, n - pos - 8) + " remain)");
      }
      int end = (int) endL;
      int dataStart = pos + 8;
      int dataEnd = end - 4;
      crc.reset();
      crc.update(in, pos + 4, dataEnd - (pos + 4));
      long stored = u32(dataEnd);
      if (crc.getValue() != stored) {
        throw corrupt(String.format("PNG chunk %s at offset %d has a bad CRC (stored 0x%08X, computed 0x%08X)",
            type, pos, stored, crc.getValue()));
      }
      if (!seenIhdr && !type.equals("IHDR")) {
        throw corrupt("first PNG chunk is " + type + ", expected IHDR");
      }
      if (seenIdat && !type.equals("IDAT")) {
        idatRunEnded = true;
      }
      switch (type) {
        case "IHDR" -> {
          if (seenIhdr) {
            throw corrupt("second IHDR chunk at offset " + pos);
          }
          if (length != 13) {
            throw corrupt("IHDR chunk has length " + length + ", expected 13");
          }
          seenIhdr = true;
          copy(pos, end);
        }
        case "PLTE" -> copy(pos, end);
        case "IDAT" -> {
          if (idatRunEnded) {
            throw corrupt("IDAT chunk at offset " + pos + " is not consecutive with the previous IDAT chunks");
          }
          seenIdat = true;
          copy(pos, end);
        }
        case "IEND" -> {
          seenIend = true;
          copy(pos, end);
        }
        default -> {
          if (APNG_CHUNKS.contains(type)) {
            throw new UnsupportedImageException(ImageFormat.PNG, UnsupportedImageException.Reason.UNSUPPORTED_FORMAT,
                "Unsupported image format: animated PNG (APNG, chunk " + type + " at offset " + pos
                    + "); only still images can be stripped. " + UnsupportedImageException.SUPPORTED_SENTENCE);
          }
          if (Character.isUpperCase(type.charAt(0))) {
            throw corrupt("unknown critical PNG chunk " + type + " at offset " + pos);
          }
          if (KEPT_ANCILLARY.contains(type)) {
            copy(pos, end);
            retained.add("PNG " + type);
          } else {
            if (type.equals("eXIf") && orientation == null) {
              orientation = ExifOrientation.read(in, dataStart, dataEnd);
            }
            removed.add(new RemovedMetadata("PNG " + type, pos, end - pos));
          }
        }
      }
      pos = end;
      if (seenIend) {
        break;
      }
    }
    if (!seenIend) {
      throw corrupt("PNG is truncated: no IEND chunk, data ends at offset " + n);
    }
    if (!seenIdat) {
      throw corrupt("PNG has no IDAT (image data) chunk");
    }
    if (pos < n) {
      removed.add(new RemovedMetadata("trailing data after IEND", pos, n - pos));
    }
    return out.toByteArray();
  }

  private String chunkType(int p) {
    char[] c = new char[4];
    for (int i = 0; i < 4; i++) {
      int b = in[p + i] & 0xFF;
      if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'))) {
        return null;
      }
      c[i] = (char) b;
    }
    return new String(c);
  }

  private long u32(int p) {
    return ((in[p] & 0xFFL) << 24) | ((in[p + 1] & 0xFFL) << 16) | ((in[p + 2] & 0xFFL) << 8) | (in[p + 3] & 0xFFL);
  }

  private void copy(int from, int to) {
    out.write(in, from, to - from);
  }

  private static UnsupportedImageException corrupt(String problem) {
    return UnsupportedImageException.corrupt(ImageFormat.PNG, problem);
  }
}

package org.dermconsent.deid.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lossless JPEG metadata stripper: walks the marker segments itself and copies everything that is
 * needed to decode the pixels byte for byte. See {@link ImageMetadataStripper} for the policy.
 * Package-private; one instance per call (not thread-safe, not reusable).
 */
final class JpegStripper {

  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;
  private static final int DQT = 0xDB;
  private static final int DNL = 0xDC;
  private static final int DRI = 0xDD;
  private static final int DHP = 0xDE;
  private static final int EXP = 0xDF;
  private static final int DHT = 0xC4;
  private static final int DAC = 0xCC;
  private static final int TEM = 0x01;
  private static final int APP0 = 0xE0;
  private static final int APP15 = 0xEF;
  private static final int COM = 0xFE;

  private static final byte[] JFIF_ID = ascii("JFIF\0");
  private static final byte[] JFXX_ID = ascii("JFXX\0");
  private static final byte[] EXIF_ID = ascii("Exif\0");
  private static final byte[] XMP_ID = ascii("http://ns.adobe.com/xap/1.0/\0");
  private static final byte[] XMP_EXT_ID = ascii("http://ns.adobe.com/xmp/extension/\0");
  private static final byte[] ICC_ID = ascii("ICC_PROFILE\0");
  private static final byte[] MPF_ID = ascii("MPF\0");
  private static final byte[] FPXR_ID = ascii("FPXR\0");
  private static final byte[] DUCKY_ID = ascii("Ducky");
  private static final byte[] PHOTOSHOP_ID = ascii("Photoshop 3.0\0");
  private static final byte[] ADOBE_CM_ID = ascii("Adobe_CM");
  private static final byte[] ADOBE_ID = ascii("Adobe");

  /** Length of the APP0 JFIF payload without thumbnail: identifier(5) version(2) units(1) densities(4) thumb w/h(2). */
  private static final int JFIF_MIN_PAYLOAD = 14;
  /** Length of the APP14 Adobe payload: identifier(5) version(2) flags0(2) flags1(2) transform(1). */
  private static final int ADOBE_PAYLOAD = 12;

  private final byte[] in;
  private final ByteArrayOutputStream out;
  private final List<RemovedMetadata> removed = new ArrayList<>();
  private final List<String> retained = new ArrayList<>();
  private Integer orientation;
  private boolean jfifKept;

  private JpegStripper(byte[] in) {
    this.in = in;
    this.out = new ByteArrayOutputStream(in.length);
  }

  static StrippedImage strip(byte[] image, String declaredContentType) {
    JpegStripper s = new JpegStripper(image);
    byte[] result = s.run();
    return new StrippedImage(result, ImageFormat.JPEG, s.removed, s.retained, s.orientation,
        declaredContentType, image.length);
  }

  private byte[] run() {
    int n = in.length;
    if (n < 4) {
      throw corrupt("JPEG is truncated: only " + n + " bytes, too short to hold any image data");
    }
    out.write(0xFF);
    out.write(SOI);
    int pos = 2;
    boolean seenSof = false;
    boolean seenSos = false;
    while (true) {
      int segStart = pos;
      if (pos >= n) {
        throw corrupt("JPEG is truncated: no end-of-image (EOI) marker, data ends at offset " + n);
      }
      if ((in[pos] & 0xFF) != 0xFF) {
        throw corrupt(String.format("expected a JPEG marker at offset %d but found byte 0x%02X", pos, in[pos] & 0xFF));
      }
      while (pos < n && (in[pos] & 0xFF) == 0xFF) {
        pos++; // 0xFF fill bytes may precede any marker
      }
      if (pos >= n) {
        throw corrupt("JPEG is truncated: marker at offset " + segStart + " runs past the end");
      }
      int marker = in[pos] & 0xFF;
      int markerOffset = pos - 1;
      pos++;

      if (marker == EOI) {
        if (!seenSos) {
          throw corrupt("end-of-image (EOI) marker at offset " + markerOffset + " before any image data (no SOS)");
        }
        copy(segStart, pos);
        break;
      }
      if (marker == 0x00) {
        throw corrupt("stuffed byte 0xFF00 at offset " + markerOffset + " outside entropy-coded data");
      }
      if (marker == SOI) {
        throw corrupt("second start-of-image (SOI) marker at offset " + markerOffset);
      }
      if (marker >= 0xD0 && marker <= 0xD7) {
        throw corrupt(String.format("restart marker RST%d at offset %d outside entropy-coded data",
            marker - 0xD0, markerOffset));
      }
      if (marker == TEM) {
        copy(segStart, pos); // standalone, no payload
        continue;
      }
      if (pos + 2 > n) {
        throw corrupt("JPEG is truncated: segment " + markerName(marker) + " at offset " + markerOffset
            + " runs past the end (no room for its length field)");
      }
      int len = ((in[pos] & 0xFF) << 8) | (in[pos + 1] & 0xFF);
      if (len < 2) {
        throw corrupt("segment " + markerName(marker) + " at offset " + markerOffset + " has invalid length " + len);
      }
      int end = pos + len;
      if (end > n) {
        throw corrupt("JPEG is truncated: segment " + markerName(marker) + " at offset " + markerOffset
            + " runs past the end (declares " + len + " bytes, " + (n - pos) + " remain)");
      }
      int payload = pos + 2;

      if (marker >= APP0 && marker <= APP15) {
        handleApp(marker, segStart, markerOffset, payload, end);
      } else if (marker == COM) {
        remove("COM", markerOffset, end);
      } else if (isSof(marker)) {
        seenSof = true;
        copy(segStart, end);
      } else if (marker == DHT || marker == DQT || marker == DRI || marker == DAC || marker == DNL
          || marker == DHP || marker == EXP) {
        copy(segStart, end);
      } else if (marker == SOS) {
        if (!seenSof) {
          throw corrupt("start-of-scan (SOS) at offset " + markerOffset + " before any start-of-frame (SOF)");
        }
        copy(segStart, end);
        int scanEnd = endOfEntropyCodedData(end, markerOffset);
        copy(end, scanEnd);
        seenSos = true;
        pos = scanEnd;
        continue;
      } else {
        throw corrupt(String.format("unsupported or invalid JPEG marker 0xFF%02X at offset %d", marker, markerOffset));
      }
      pos = end;
    }
    if (pos < n) {
      removed.add(new RemovedMetadata("trailing data after EOI", pos, n - pos));
    }
    return out.toByteArray();
  }

  /** Returns the offset of the 0xFF that starts the first real marker after the entropy-coded data. */
  private int endOfEntropyCodedData(int start, int sosOffset) {
    int n = in.length;
    int i = start;
    while (true) {
      if (i >= n) {
        throw corrupt("JPEG is truncated: entropy-coded data of the scan at offset " + sosOffset
            + " runs past the end (no end-of-image marker)");
      }
      if ((in[i] & 0xFF) != 0xFF) {
        i++;
        continue;
      }
      if (i + 1 >= n) {
        throw corrupt("JPEG is truncated: entropy-coded data of the scan at offset " + sosOffset
            + " runs past the end (no end-of-image marker)");
      }
      int next = in[i + 1] & 0xFF;
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
        i += 2; // stuffed 0xFF or restart marker: part of the scan
      } else if (next == 0xFF) {
        i++; // fill byte before a marker
      } else {
        return i;
      }
    }
  }

  private void handleApp(int marker, int segStart, int markerOffset, int payload, int end) {
    int app = marker - APP0;
    switch (app) {
      case 0 -> {
        if (startsWith(payload, end, JFIF_ID)) {
          handleJfif(segStart, markerOffset, payload, end);
        } else if (startsWith(payload, end, JFXX_ID)) {
          remove("APP0/JFXX thumbnail", markerOffset, end);
        } else {
          remove("APP0", markerOffset, end);
        }
      }
      case 1 -> {
        if (startsWith(payload, end, EXIF_ID)) {
          if (orientation == null) {
            // TIFF header follows "Exif\0" plus one pad byte.
            orientation = ExifOrientation.read(in, payload + 6, end);
          }
          remove("APP1/Exif", markerOffset, end);
        } else if (startsWith(payload, end, XMP_ID)) {
          remove("APP1/XMP", markerOffset, end);
        } else if (startsWith(payload, end, XMP_EXT_ID)) {
          remove("APP1/XMP-extended", markerOffset, end);
        } else {
          remove("APP1", markerOffset, end);
        }
      }
      case 2 -> {
        if (startsWith(payload, end, ICC_ID)) {
          copy(segStart, end);
          retained.add("APP2/ICC_PROFILE");
        } else if (startsWith(payload, end, MPF_ID)) {
          remove("APP2/MPF", markerOffset, end);
        } else if (startsWith(payload, end, FPXR_ID)) {
          remove("APP2/FPXR", markerOffset, end);
        } else {
          remove("APP2", markerOffset, end);
        }
      }
      case 12 -> remove(startsWith(payload, end, DUCKY_ID) ? "APP12/Ducky" : "APP12", markerOffset, end);
      case 13 -> {
        if (startsWith(payload, end, PHOTOSHOP_ID)) {
          remove("APP13/IPTC-Photoshop", markerOffset, end);
        } else if (startsWith(payload, end, ADOBE_CM_ID)) {
          remove("APP13/Adobe_CM", markerOffset, end);
        } else {
          remove("APP13", markerOffset, end);
        }
      }
      case 14 -> {
        if (startsWith(payload, end, ADOBE_ID) && end - payload >= ADOBE_PAYLOAD) {
          if (end - payload == ADOBE_PAYLOAD) {
            copy(segStart, end);
          } else {
            // Keep only the defined fields; anything appended to them is not needed for decoding.
            writeSegment(0xEE, payload, ADOBE_PAYLOAD, null);
            removed.add(new RemovedMetadata("APP14/Adobe extra bytes", payload + ADOBE_PAYLOAD,
                end - payload - ADOBE_PAYLOAD));
          }
          retained.add("APP14/Adobe");
        } else {
          remove("APP14", markerOffset, end);
        }
      }
      default -> remove("APP" + app, markerOffset, end);
    }
  }

  /** Keeps the first APP0 JFIF header, always without thumbnail or any extra bytes. */
  private void handleJfif(int segStart, int markerOffset, int payload, int end) {
    int payloadLen = end - payload;
    if (jfifKept) {
      remove("APP0/JFIF duplicate", markerOffset, end);
      return;
    }
    if (payloadLen < JFIF_MIN_PAYLOAD) {
      remove("APP0/JFIF malformed", markerOffset, end);
      return;
    }
    jfifKept = true;
    retained.add("APP0/JFIF");
    int thumbW = in[payload + 12] & 0xFF;
    int thumbH = in[payload + 13] & 0xFF;
    if (payloadLen == JFIF_MIN_PAYLOAD && thumbW == 0 && thumbH == 0) {
      copy(segStart, end);
      return;
    }
    // Rewrite as a minimal JFIF header: same version, units and densities, thumbnail 0x0.
    writeSegment(0xE0, payload, 12, new byte[] {0, 0});
    String kind = thumbW * thumbH > 0 ? "APP0/JFIF thumbnail" : "APP0/JFIF extra bytes";
    removed.add(new RemovedMetadata(kind, payload + 12, payloadLen - 12));
  }

  private void writeSegment(int marker, int from, int count, byte[] extra) {
    int len = 2 + count + (extra == null ? 0 : extra.length);
    out.write(0xFF);
    out.write(marker);
    out.write(len >> 8);
    out.write(len & 0xFF);
    out.write(in, from, count);
    if (extra != null) {
      out.write(extra, 0, extra.length);
    }
  }

  private void remove(String kind, int markerOffset, int end) {
    removed.add(new RemovedMetadata(kind, markerOffset, end - markerOffset));
  }

  private void copy(int from, int to) {
    out.write(in, from, to - from);
  }

  private boolean startsWith(int from, int end, byte[] prefix) {
    if (end - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (in[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSof(int m) {
    return (m >= 0xC0 && m <= 0xCF) && m != DHT && m != 0xC8 && m != DAC;
  }

  static String markerName(int m) {
    if (m >= APP0 && m <= APP15) {
      return "APP" + (m - APP0);
    }
    if (isSof(m)) {
      return "SOF" + (m - 0xC0);
    }
    return switch (m) {
      case DHT -> "DHT";
      case DQT -> "DQT";
      case DRI -> "DRI";
      case DAC -> "DAC";
      case DNL -> "DNL";
      case DHP -> "DHP";
      case EXP -> "EXP";
      case SOS -> "SOS";
      case COM -> "COM";
      default -> String.format("0xFF%02X", m);
    };
  }

  private static UnsupportedImageException corrupt(String problem) {
    return UnsupportedImageException.corrupt(ImageFormat.JPEG, problem);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}

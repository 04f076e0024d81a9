package org.dermconsent.deid.image;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal JPEG walker used by the tests to locate segments and to inspect entropy-coded data. Kept
 * separate from the production parser so that assertions do not rely on the code under test.
 */
public final class JpegStructure {

  /** A marker segment: [offset, end) covers marker and payload; for SOS, {@code scanEnd} is the end of the scan data. */
  public record Segment(int marker, int offset, int end, int scanEnd) {
    byte[] payload(byte[] jpeg) {
      return java.util.Arrays.copyOfRange(jpeg, offset + 4, end);
    }
  }

  private JpegStructure() {}

  public static List<Segment> segments(byte[] b) {
    List<Segment> list = new ArrayList<>();
    if ((b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
      throw new IllegalArgumentException("not a JPEG");
    }
    list.add(new Segment(0xD8, 0, 2, 2));
    int p = 2;
    while (p < b.length) {
      if ((b[p] & 0xFF) != 0xFF) {
        throw new IllegalArgumentException("no marker at " + p);
      }
      int start = p;
      while ((b[p] & 0xFF) == 0xFF) {
        p++;
      }
      int marker = b[p] & 0xFF;
      p++;
      if (marker == 0xD9) {
        list.add(new Segment(marker, start, p, p));
        return list;
      }
      int len = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
      int end = p + len;
      if (marker == 0xDA) {
        int q = end;
        while (!((b[q] & 0xFF) == 0xFF && (b[q + 1] & 0xFF) != 0 && ((b[q + 1] & 0xFF) < 0xD0 || (b[q + 1] & 0xFF) > 0xD7)
            && (b[q + 1] & 0xFF) != 0xFF)) {
          q++;
        }
        list.add(new Segment(marker, start, end, q));
        p = q;
      } else {
        list.add(new Segment(marker, start, end, end));
        p = end;
      }
    }
    throw new IllegalArgumentException("no EOI");
  }

  public static boolean isSof(int m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
  }

  public static int firstSofOffset(byte[] jpeg) {
    return segments(jpeg).stream().filter(s -> isSof(s.marker())).findFirst().orElseThrow().offset();
  }

  /** Offset just after the EOI marker. */
  public static int eoiEnd(byte[] jpeg) {
    List<Segment> s = segments(jpeg);
    Segment last = s.get(s.size() - 1);
    if (last.marker() != 0xD9) {
      throw new IllegalArgumentException("no EOI");
    }
    return last.end();
  }

  public static long count(byte[] jpeg, int marker) {
    return segments(jpeg).stream().filter(s -> s.marker() == marker).count();
  }

  public static List<Segment> all(byte[] jpeg, int marker) {
    return segments(jpeg).stream().filter(s -> s.marker() == marker).toList();
  }

  /** Concatenation of all entropy-coded scan data. */
  public static byte[] scanData(byte[] jpeg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Segment s : all(jpeg, 0xDA)) {
      out.write(jpeg, s.end(), s.scanEnd() - s.end());
    }
    return out.toByteArray();
  }

  public static boolean scanDataContains(byte[] jpeg, int first, int secondFrom, int secondTo) {
    byte[] data = scanData(jpeg);
    for (int i = 0; i + 1 < data.length; i++) {
      int a = data[i] & 0xFF;
      int c = data[i + 1] & 0xFF;
      if (a == first && c >= secondFrom && c <= secondTo) {
        return true;
      }
    }
    return false;
  }
}

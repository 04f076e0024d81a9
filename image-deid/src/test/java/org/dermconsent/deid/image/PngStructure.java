package org.dermconsent.deid.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Minimal PNG chunk walker used by the tests (independent of the production parser). */
public final class PngStructure {

  public record Chunk(String type, int offset, int length) {
    int dataOffset() {
      return offset + 8;
    }

    int end() {
      return offset + 12 + length;
    }
  }

  private PngStructure() {}

  public static List<Chunk> chunks(byte[] png) {
    List<Chunk> list = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(png);
    int p = 8;
    while (p + 8 <= png.length) {
      int length = b.getInt(p);
      String type = new String(png, p + 4, 4, StandardCharsets.US_ASCII);
      list.add(new Chunk(type, p, length));
      p += 12 + length;
      if (type.equals("IEND")) {
        break;
      }
    }
    return list;
  }

  public static List<String> types(byte[] png) {
    return chunks(png).stream().map(Chunk::type).toList();
  }

  public static byte[] idatData(byte[] png) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Chunk c : chunks(png)) {
      if (c.type().equals("IDAT")) {
        out.write(png, c.dataOffset(), c.length());
      }
    }
    return out.toByteArray();
  }

  public static byte[] chunkBytes(byte[] png, String type) {
    Chunk c = chunks(png).stream().filter(x -> x.type().equals(type)).findFirst().orElseThrow();
    return java.util.Arrays.copyOfRange(png, c.offset(), c.end());
  }
}

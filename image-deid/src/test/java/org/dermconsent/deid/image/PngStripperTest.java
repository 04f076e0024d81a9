package org.dermconsent.deid.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.deid.image.TestImages.*;

import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.icc.IccDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PngStripperTest {

  private static byte[] base;
  private static byte[] loaded;
  private static byte[] icc;

  private final ImageMetadataStripper stripper = new ImageMetadataStripper();

  @BeforeAll
  static void generate() {
    // 160x120 noisy RGB: large enough for ImageIO to split the data over several IDAT chunks.
    base = png(noisyImage(160, 120, 4));
    icc = iccProfile();
    byte[] p = insertAfterIhdr(base,
        gamaChunk(),
        iccpChunk(icc),
        textChunk("Author", PHOTOGRAPHER),
        textChunk("Comment", "Patient " + PATIENT_NAME + ", MRN 0012345"),
        ztxtChunk("Description", "Compressed note about " + PATIENT_NAME),
        itxtXmpChunk(xmpPacket(null)),
        exifChunk(8),
        timeChunk(),
        chunk("prVt", latin1("private vendor data " + PATIENT_NAME)));
    // Text is also allowed after the image data.
    p = insertBeforeIend(p, textChunk("Disclaimer", "late text " + PATIENT_NAME));
    loaded = concat(p, latin1("TRAILER " + PATIENT_NAME));
  }

  private static Set<String> pngDirectoryChunkTypes(Metadata md) {
    return md.getDirectoriesOfType(PngDirectory.class).stream()
        .map(d -> d.getPngChunkType().getIdentifier()).collect(Collectors.toSet());
  }

  private static String allTextualData(Metadata md) {
    StringBuilder sb = new StringBuilder();
    for (PngDirectory d : md.getDirectoriesOfType(PngDirectory.class)) {
      if (d.containsTag(PngDirectory.TAG_TEXTUAL_DATA)) {
        sb.append(d.getDescription(PngDirectory.TAG_TEXTUAL_DATA)).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void fixtureReallyCarriesTheMetadataThatMustBeRemoved() throws Exception {
    assertThat(PngStructure.chunks(base).stream().filter(c -> c.type().equals("IDAT")).count()).isGreaterThan(1);
    Metadata md = Readers.metadata(loaded);
    assertThat(pngDirectoryChunkTypes(md)).contains("tEXt", "zTXt", "tIME", "gAMA", "iCCP");
    assertThat(allTextualData(md)).contains(PHOTOGRAPHER, PATIENT_NAME, "Compressed note about");
    assertThat(md.getFirstDirectoryOfType(XmpDirectory.class).getXmpProperties())
        .containsEntry("dc:creator[1]", PHOTOGRAPHER);
    ExifIFD0Directory exif = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertThat(exif.getInt(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(8);
    assertThat(exif.getString(ExifIFD0Directory.TAG_ARTIST)).isEqualTo(PHOTOGRAPHER);
    assertThat(md.getFirstDirectoryOfType(IccDirectory.class)).isNotNull();
    assertThat(Readers.argb(loaded)).isEqualTo(Readers.argb(base));
  }

  @Test
  void removesTextTimeExifXmpPrivateChunksAndTrailingData() {
    StrippedImage result = stripper.strip(loaded, "image/png");
    byte[] out = result.data();
    Metadata md = Readers.metadata(out);

    assertThat(pngDirectoryChunkTypes(md)).doesNotContain("tEXt", "zTXt", "iTXt", "tIME", "eXIf");
    assertThat(allTextualData(md)).isEmpty();
    assertThat(md.getDirectoriesOfType(XmpDirectory.class)).isEmpty();
    assertThat(md.getDirectories()).noneMatch(d -> d instanceof ExifDirectoryBase);
    assertThat(md.getFirstDirectoryOfType(IccDirectory.class)).isNotNull();
    assertThat(pngDirectoryChunkTypes(md)).contains("gAMA", "iCCP");
    for (Directory d : md.getDirectories()) {
      assertThat(d.getErrors()).as(d.getName()).isEmpty();
    }

    List<String> types = PngStructure.types(out);
    assertThat(types.subList(0, 3)).containsExactly("IHDR", "gAMA", "iCCP");
    assertThat(types.subList(3, types.size() - 1)).containsOnly("IDAT");
    assertThat(types.get(types.size() - 1)).isEqualTo("IEND");
    assertThat(PngStructure.chunkBytes(out, "iCCP")).isEqualTo(iccpChunk(icc));

    for (String secret : List.of(PATIENT_NAME, PHOTOGRAPHER, "MRN", "TRAILER", "xmpmeta")) {
      assertThat(contains(out, secret)).as("output still contains %s", secret).isFalse();
    }
    assertThat(result.format()).isEqualTo(ImageFormat.PNG);
    assertThat(result.contentType()).isEqualTo("image/png");
    assertThat(result.removedKinds()).containsExactly(
        "PNG tEXt", "PNG zTXt", "PNG iTXt", "PNG eXIf", "PNG tIME", "PNG prVt", "trailing data after IEND");
    assertThat(result.removed().stream().filter(r -> r.kind().equals("PNG tEXt")).count()).isEqualTo(3);
    assertThat(result.retainedMetadata()).containsExactly("PNG gAMA", "PNG iCCP");
    assertThat(result.originalExifOrientation()).hasValue(8);
  }

  @Test
  void imageDataIsIdenticalAndPixelsAreUnchanged() {
    byte[] out = stripper.strip(loaded, "image/png").data();
    assertThat(PngStructure.idatData(out)).isEqualTo(PngStructure.idatData(base));
    assertThat(PngStructure.chunkBytes(out, "IHDR")).isEqualTo(PngStructure.chunkBytes(base, "IHDR"));
    assertThat(Readers.argb(out)).isEqualTo(Readers.argb(base));
    assertThat(Readers.rasterSamples(out)).isEqualTo(Readers.rasterSamples(loaded));
    // Exactly the original encoding plus the two colour chunks.
    assertThat(out).isEqualTo(insertAfterIhdr(base, gamaChunk(), iccpChunk(icc)));
  }

  @Test
  void cleanPngIsReturnedUnchangedAndStrippingIsIdempotent() {
    StrippedImage clean = stripper.strip(base, "image/png");
    assertThat(clean.data()).isEqualTo(base);
    assertThat(clean.removed()).isEmpty();
    assertThat(clean.originalExifOrientation()).isEmpty();

    byte[] once = stripper.strip(loaded, "image/png").data();
    StrippedImage twice = stripper.strip(once, "image/png");
    assertThat(twice.data()).isEqualTo(once);
    assertThat(twice.removed()).isEmpty();
  }

  @Test
  void paletteAndTransparencyChunksAreKept() {
    byte[] r = new byte[16];
    byte[] g = new byte[16];
    byte[] b = new byte[16];
    byte[] a = new byte[16];
    for (int i = 0; i < 16; i++) {
      r[i] = (byte) (i * 16);
      g[i] = (byte) (255 - i * 16);
      b[i] = (byte) (i * 7);
      a[i] = (byte) (i == 0 ? 0 : 255 - i);
    }
    BufferedImage indexed = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(4, 16, r, g, b, a));
    Random random = new Random(9);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        indexed.getRaster().setSample(x, y, 0, random.nextInt(16));
      }
    }
    byte[] palettePng = png(indexed);
    assertThat(PngStructure.types(palettePng)).contains("PLTE", "tRNS");
    byte[] in = insertAfterIhdr(palettePng, textChunk("Title", PATIENT_NAME), chunk("sBIT", new byte[] {8, 8, 8}));

    StrippedImage result = stripper.strip(in, "image/png");
    byte[] out = result.data();
    assertThat(out).isEqualTo(insertAfterIhdr(palettePng, chunk("sBIT", new byte[] {8, 8, 8})));
    assertThat(PngStructure.types(out)).contains("PLTE", "tRNS", "sBIT");
    assertThat(result.retainedMetadata()).contains("PNG sBIT", "PNG tRNS");
    assertThat(result.removedKinds()).containsExactly("PNG tEXt");
    assertThat(Readers.argb(out)).isEqualTo(Readers.argb(palettePng));
  }

  @Test
  void detectsPngByContentNotByDeclaredType() {
    StrippedImage result = stripper.strip(loaded, "image/jpeg");
    assertThat(result.format()).isEqualTo(ImageFormat.PNG);
    assertThat(result.declaredContentTypeMismatch()).isTrue();
    assertThat(result.removedKinds()).contains("PNG tEXt");
    assertThat(stripper.strip(base, "image/png").declaredContentTypeMismatch()).isFalse();
  }
}

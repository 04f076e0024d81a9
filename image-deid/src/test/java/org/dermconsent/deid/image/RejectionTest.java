package org.dermconsent.deid.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dermconsent.deid.image.TestImages.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dermconsent.deid.image.UnsupportedImageException.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RejectionTest {

  private static final String SUPPORTED = "Only well-formed JPEG and PNG images are supported";

  private static byte[] jpeg;
  private static byte[] png;

  private final ImageMetadataStripper stripper = new ImageMetadataStripper();

  @BeforeAll
  static void generate() {
    jpeg = withExif(TestImages.jpeg(noisyImage(64, 48, 6), false, 0));
    png = insertAfterIhdr(TestImages.png(noisyImage(64, 48, 6)), textChunk("Author", PHOTOGRAPHER));
  }

  private UnsupportedImageException reject(byte[] content, String declared) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> stripper.strip(content, declared));
    assertThat(t).isInstanceOf(UnsupportedImageException.class);
    UnsupportedImageException e = (UnsupportedImageException) t;
    assertThat(e.getMessage()).contains(SUPPORTED);
    return e;
  }

  // ------------------------------------------------------------------ other formats

  static Stream<Arguments> otherFormats() {
    byte[] heic = concat(ByteBuffer.allocate(4).putInt(24).array(), latin1("ftypheic"), new byte[4],
        latin1("mif1heic"), new byte[64]);
    byte[] avif = concat(ByteBuffer.allocate(4).putInt(28).array(), latin1("ftypavif"), new byte[4],
        latin1("avifmif1miaf"), new byte[64]);
    byte[] heifCompatible = concat(ByteBuffer.allocate(4).putInt(24).array(), latin1("ftypmsf1"), new byte[4],
        latin1("mif1heic"), new byte[64]);
    byte[] dicom = concat(new byte[128], latin1("DICM"), new byte[] {2, 0, 0, 0, 'U', 'L', 4, 0});
    byte[] dicomWithTiffPreamble = dicom.clone();
    System.arraycopy(latin1("II*\0"), 0, dicomWithTiffPreamble, 0, 4);
    byte[] tiffLittle = concat(latin1("II*\0"), new byte[] {8, 0, 0, 0}, new byte[32]);
    byte[] tiffBig = concat(latin1("MM\0*"), new byte[] {0, 0, 0, 8}, new byte[32]);
    byte[] bigTiff = concat(latin1("II+\0"), new byte[] {8, 0, 0, 0}, new byte[32]);
    byte[] gif = concat(latin1("GIF89a"), new byte[] {1, 0, 1, 0, 0, 0, 0}, latin1(",\0\0\0\0\1\0\1\0\0\2\2D\1\0;"));
    byte[] webp = concat(latin1("RIFF"), new byte[] {30, 0, 0, 0}, latin1("WEBPVP8 "), new byte[22]);
    byte[] bmp = concat(latin1("BM"), new byte[] {70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0}, new byte[56]);
    byte[] jp2 = concat(new byte[] {0, 0, 0, 12}, latin1("jP  "), new byte[] {13, 10, (byte) 0x87, 10}, new byte[32]);
    byte[] jxl = new byte[] {(byte) 0xFF, 0x0A, 0, 0, 0, 0, 0, 0};
    byte[] mp4 = concat(ByteBuffer.allocate(4).putInt(20).array(), latin1("ftypisom"), new byte[4], latin1("isom"), new byte[16]);
    byte[] text = latin1("Patient photo, please see attachment");
    return Stream.of(
        Arguments.of("HEIC", heic, ImageFormat.HEIF, "HEIC/HEIF"),
        Arguments.of("HEIF via compatible brand", heifCompatible, ImageFormat.HEIF, "HEIC/HEIF"),
        Arguments.of("AVIF", avif, ImageFormat.AVIF, "AVIF"),
        Arguments.of("DICOM", dicom, ImageFormat.DICOM, "DICOM"),
        Arguments.of("DICOM with TIFF preamble", dicomWithTiffPreamble, ImageFormat.DICOM, "DICOM"),
        Arguments.of("TIFF little-endian", tiffLittle, ImageFormat.TIFF, "TIFF"),
        Arguments.of("TIFF big-endian", tiffBig, ImageFormat.TIFF, "TIFF"),
        Arguments.of("BigTIFF", bigTiff, ImageFormat.TIFF, "BigTIFF"),
        Arguments.of("GIF", gif, ImageFormat.GIF, "GIF"),
        Arguments.of("WebP", webp, ImageFormat.WEBP, "WebP"),
        Arguments.of("BMP", bmp, ImageFormat.BMP, "BMP"),
        Arguments.of("JPEG 2000", jp2, ImageFormat.JPEG_2000, "JPEG 2000"),
        Arguments.of("JPEG XL", jxl, ImageFormat.JPEG_XL, "JPEG XL"),
        Arguments.of("MP4 video", mp4, ImageFormat.UNKNOWN, "brand 'isom'"),
        Arguments.of("text", text, ImageFormat.UNKNOWN, "not a recognised image format"),
        Arguments.of("empty", new byte[0], ImageFormat.UNKNOWN, "empty content"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherFormats")
  void otherFormatsAreRefusedNamingTheDetectedFormat(String name, byte[] content, ImageFormat expected, String inMessage) {
    UnsupportedImageException e = reject(content, "image/jpeg");
    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    assertThat(e.detectedFormat()).isEqualTo(expected);
    assertThat(e.getMessage()).startsWith("Unsupported image format: ").contains(inMessage)
        .contains("declared content type: image/jpeg");
    assertThat(expected.isSupported()).isFalse();
  }

  @Test
  void realGifWrittenByImageIoIsRefused() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(noisyImage(8, 8, 1), "gif", out);
    UnsupportedImageException e = reject(out.toByteArray(), "image/gif");
    assertThat(e.detectedFormat()).isEqualTo(ImageFormat.GIF);
    assertThat(e.getMessage()).contains("the content is GIF");
  }

  @Test
  void nullImageIsAProgrammingError() {
    assertThatThrownBy(() -> stripper.strip(null, "image/jpeg")).isInstanceOf(NullPointerException.class);
  }

  @Test
  void declaredTypeInMessageIsSanitised() {
    UnsupportedImageException e = reject(latin1("hello"), "image/x\n\u0007evil");
    assertThat(e.getMessage()).contains("image/x??evil").doesNotContain("\n");
  }

  // ------------------------------------------------------------------ corrupt JPEG

  private void assertCorruptJpeg(byte[] content, String... messageParts) {
    UnsupportedImageException e = reject(content, "image/jpeg");
    assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
    assertThat(e.detectedFormat()).isEqualTo(ImageFormat.JPEG);
    assertThat(e.getMessage()).startsWith("Corrupt JPEG: ");
    for (String part : messageParts) {
      assertThat(e.getMessage()).contains(part);
    }
  }

  @Test
  void jpegTruncatedInsideAnAppSegment() {
    JpegStructure.Segment app1 = JpegStructure.all(jpeg, 0xE1).get(0);
    byte[] cut = Arrays.copyOf(jpeg, app1.offset() + 40);
    assertCorruptJpeg(cut, "JPEG is truncated: segment APP1 at offset " + app1.offset() + " runs past the end");
  }

  @Test
  void jpegTruncatedInsideTheScan() {
    JpegStructure.Segment sos = JpegStructure.all(jpeg, 0xDA).get(0);
    byte[] cut = Arrays.copyOf(jpeg, (sos.end() + sos.scanEnd()) / 2);
    assertCorruptJpeg(cut, "JPEG is truncated: entropy-coded data of the scan at offset " + sos.offset(),
        "runs past the end");
  }

  @Test
  void jpegWithoutEoi() {
    assertCorruptJpeg(Arrays.copyOf(jpeg, jpeg.length - 2), "JPEG is truncated");
  }

  @Test
  void jpegTruncatedInTheHeader() {
    assertCorruptJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8}, "JPEG is truncated");
    assertCorruptJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0}, "JPEG is truncated");
  }

  @Test
  void jpegWithoutImageData() {
    assertCorruptJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9},
        "end-of-image (EOI) marker at offset 2 before any image data");
  }

  @Test
  void jpegWithGarbageBetweenSegments() {
    int dqt = JpegStructure.all(jpeg, 0xDB).get(0).offset();
    assertCorruptJpeg(insertAt(jpeg, dqt, latin1("xx")), "expected a JPEG marker at offset " + dqt);
  }

  @Test
  void jpegWithInvalidSegmentLength() {
    int dqt = JpegStructure.all(jpeg, 0xDB).get(0).offset();
    byte[] bad = jpeg.clone();
    bad[dqt + 2] = 0;
    bad[dqt + 3] = 1;
    assertCorruptJpeg(bad, "segment DQT at offset " + dqt + " has invalid length 1");
  }

  @Test
  void jpegWithScanBeforeFrame() {
    byte[] sos = TestImages.segment(0xDA, new byte[] {1, 1, 0, 0, 63, 0});
    byte[] bad = insertAt(jpeg, JpegStructure.all(jpeg, 0xDB).get(0).offset(), sos);
    assertCorruptJpeg(bad, "before any start-of-frame");
  }

  @Test
  void jpegWithUnknownMarker() {
    byte[] bad = insertAt(jpeg, JpegStructure.all(jpeg, 0xDB).get(0).offset(), TestImages.segment(0x02, new byte[2]));
    assertCorruptJpeg(bad, "unsupported or invalid JPEG marker 0xFF02");
  }

  @Test
  void jpegWithSecondSoi() {
    byte[] bad = insertAt(jpeg, JpegStructure.all(jpeg, 0xDB).get(0).offset(), new byte[] {(byte) 0xFF, (byte) 0xD8});
    assertCorruptJpeg(bad, "second start-of-image");
  }

  // ------------------------------------------------------------------ corrupt PNG

  private void assertCorruptPng(byte[] content, String... messageParts) {
    UnsupportedImageException e = reject(content, "image/png");
    assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
    assertThat(e.detectedFormat()).isEqualTo(ImageFormat.PNG);
    assertThat(e.getMessage()).startsWith("Corrupt PNG: ");
    for (String part : messageParts) {
      assertThat(e.getMessage()).contains(part);
    }
  }

  @Test
  void pngWithBadCrcInADroppedChunk() {
    PngStructure.Chunk text = PngStructure.chunks(png).stream().filter(c -> c.type().equals("tEXt")).findFirst().orElseThrow();
    byte[] bad = png.clone();
    bad[text.dataOffset() + 2] ^= 0x20; // flip a letter's case: same length, wrong CRC
    assertCorruptPng(bad, "PNG chunk tEXt at offset " + text.offset() + " has a bad CRC");
  }

  @Test
  void pngWithBadCrcInImageData() {
    PngStructure.Chunk idat = PngStructure.chunks(png).stream().filter(c -> c.type().equals("IDAT")).findFirst().orElseThrow();
    byte[] bad = png.clone();
    bad[idat.end() - 1] ^= 0x01;
    assertCorruptPng(bad, "PNG chunk IDAT at offset " + idat.offset() + " has a bad CRC");
  }

  @Test
  void pngTruncatedInsideImageData() {
    PngStructure.Chunk idat = PngStructure.chunks(png).stream().filter(c -> c.type().equals("IDAT")).findFirst().orElseThrow();
    assertCorruptPng(Arrays.copyOf(png, idat.dataOffset() + 10),
        "PNG is truncated: chunk IDAT at offset " + idat.offset() + " runs past the end");
  }

  @Test
  void pngWithoutIend() {
    assertCorruptPng(Arrays.copyOf(png, png.length - 12), "PNG is truncated: no IEND chunk");
  }

  @Test
  void pngTruncatedSignatureOrHeader() {
    assertCorruptPng(Arrays.copyOf(png, 5), "PNG is truncated", "signature");
    assertCorruptPng(Arrays.copyOf(png, 12), "PNG is truncated: chunk header at offset 8");
  }

  @Test
  void pngNotStartingWithIhdr() {
    byte[] bad = insertAt(png, 8, chunk("gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F}));
    assertCorruptPng(bad, "first PNG chunk is gAMA, expected IHDR");
  }

  @Test
  void pngWithUnknownCriticalChunk() {
    assertCorruptPng(insertAfterIhdr(png, chunk("ZZZZ", new byte[3])), "unknown critical PNG chunk ZZZZ");
  }

  @Test
  void pngWithInvalidChunkType() {
    assertCorruptPng(insertAfterIhdr(png, chunk("t3Xt", new byte[3])), "invalid PNG chunk type");
  }

  @Test
  void animatedPngIsRefused() {
    byte[] actl = chunk("acTL", ByteBuffer.allocate(8).putInt(1).putInt(0).array());
    UnsupportedImageException e = reject(insertAfterIhdr(png, actl), "image/apng");
    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    assertThat(e.detectedFormat()).isEqualTo(ImageFormat.PNG);
    assertThat(e.getMessage()).contains("animated PNG (APNG", "acTL", "only still images can be stripped");
  }

  @Test
  void messagesNeverEchoImageContent() {
    List<byte[]> corrupt = List.of(Arrays.copyOf(jpeg, jpeg.length / 2), Arrays.copyOf(png, png.length - 20));
    for (byte[] c : corrupt) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> stripper.strip(c, null));
      assertThat(t.getMessage()).doesNotContain(PHOTOGRAPHER).doesNotContain("Canon");
    }
  }
}

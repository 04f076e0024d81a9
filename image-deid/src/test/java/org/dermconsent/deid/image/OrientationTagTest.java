package org.dermconsent.deid.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.deid.image.TestImages.*;

import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import org.junit.jupiter.api.Test;

class OrientationTagTest {

  private final ImageMetadataStripper stripper = new ImageMetadataStripper();

  @Test
  void jpegGetsOnlyItsOrientationBackAndKeepsItsScanData() {
    byte[] source = withExif(jpeg(noisyImage(48, 32, 1), false, 0));
    StrippedImage stripped = stripper.strip(source, "image/jpeg");
    byte[] kept = OrientationTag.keep(stripped.data(), ImageFormat.JPEG, stripped.originalExifOrientation().getAsInt());

    Metadata md = Readers.metadata(kept);
    ExifIFD0Directory ifd0 = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertThat(ifd0.getTagCount()).isEqualTo(1);
    assertThat(ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(EXIF_ORIENTATION);
    assertThat(md.getDirectoriesOfType(ExifSubIFDDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(GpsDirectory.class)).isEmpty();
    for (Directory d : md.getDirectories()) {
      assertThat(d.getErrors()).as(d.getName()).isEmpty();
    }
    assertThat(JpegStructure.scanData(kept)).isEqualTo(JpegStructure.scanData(source));
    assertThat(JpegStructure.segments(kept).get(1).marker()).isEqualTo(0xE0); // JFIF stays first
    // and the stripper accepts (and would remove) it again
    assertThat(stripper.strip(kept, "image/jpeg").originalExifOrientation()).hasValue(EXIF_ORIENTATION);
  }

  @Test
  void pngGetsAnExifChunkBeforeItsImageData() {
    byte[] source = insertAfterIhdr(png(noisyImage(10, 10, 2)), exifChunk(8));
    StrippedImage stripped = stripper.strip(source, "image/png");
    byte[] kept = OrientationTag.keep(stripped.data(), ImageFormat.PNG, stripped.originalExifOrientation().getAsInt());
    assertThat(PngStructure.types(kept)).containsExactly("IHDR", "eXIf", "IDAT", "IEND");
    assertThat(PngStructure.idatData(kept)).isEqualTo(PngStructure.idatData(source));
    ExifIFD0Directory ifd0 = Readers.metadata(kept).getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertThat(ifd0.getTagCount()).isEqualTo(1);
    assertThat(ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(8);
    assertThat(stripper.strip(kept, "image/png").originalExifOrientation()).hasValue(8);
  }

  @Test
  void uprightAddsNothing() {
    byte[] jpeg = jpeg(noisyImage(8, 8, 3), false, 0);
    assertThat(OrientationTag.keep(jpeg, ImageFormat.JPEG, 1)).isSameAs(jpeg);
  }
}

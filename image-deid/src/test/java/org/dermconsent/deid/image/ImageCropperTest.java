package org.dermconsent.deid.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageCropperTest {

  private final ImageCropper cropper = new ImageCropper();

  /** 4x2 stored image whose pixels are all different (PNG, so decoding is exact). */
  private static byte[] pattern() {
    BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        img.setRGB(x, y, (x * 60) << 16 | (y * 200) << 8 | 7);
      }
    }
    return TestImages.png(img);
  }

  private static int storedPixel(int x, int y) {
    return 0xFF000000 | (x * 60) << 16 | (y * 200) << 8 | 7;
  }

  @Test
  void cropKeepsExactlyTheRegionOfALosslessImage() {
    CroppedImage c = cropper.crop(pattern(), new CropRegion(1, 0, 2, 2), 1);
    assertThat(c.width()).isEqualTo(2);
    assertThat(c.height()).isEqualTo(2);
    assertThat(c.format()).isEqualTo(ImageFormat.PNG);
    BufferedImage out = Readers.decode(c.data());
    assertThat(out.getWidth()).isEqualTo(2);
    assertThat(out.getRGB(0, 0)).isEqualTo(storedPixel(1, 0));
    assertThat(out.getRGB(1, 1)).isEqualTo(storedPixel(2, 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 6, 7, 8})
  void rotatedOrientationsSwapTheDisplayedSize(int orientation) {
    CroppedImage whole = cropper.crop(pattern(), new CropRegion(0, 0, 2, 4), orientation);
    assertThat(whole.displayedWidth()).isEqualTo(2);
    assertThat(whole.displayedHeight()).isEqualTo(4);
    assertThat(Readers.decode(whole.data()).getHeight()).isEqualTo(4);
  }

  @Test
  void orientationSixIsAClockwiseQuarterTurn() {
    // rotated 90 degrees clockwise, the stored bottom-left pixel shows at the top left
    BufferedImage out = Readers.decode(cropper.crop(pattern(), new CropRegion(0, 0, 2, 4), 6).data());
    assertThat(out.getRGB(0, 0)).isEqualTo(storedPixel(0, 1));
    assertThat(out.getRGB(1, 0)).isEqualTo(storedPixel(0, 0));
    assertThat(out.getRGB(0, 3)).isEqualTo(storedPixel(3, 1));
  }

  @Test
  void orientationThreeIsAHalfTurn() {
    BufferedImage out = Readers.decode(cropper.crop(pattern(), new CropRegion(0, 0, 4, 2), 3).data());
    assertThat(out.getRGB(0, 0)).isEqualTo(storedPixel(3, 1));
  }

  @Test
  void jpegIsReencodedAsJpegWithTheCropSize() {
    byte[] jpeg = TestImages.jpeg(TestImages.noisyImage(64, 48, 3), false, 0);
    CroppedImage c = cropper.crop(jpeg, CropRegion.parse("8, 8, 32, 16"), 1);
    assertThat(c.contentType()).isEqualTo("image/jpeg");
    BufferedImage out = Readers.decode(c.data());
    assertThat(out.getWidth()).isEqualTo(32);
    assertThat(out.getHeight()).isEqualTo(16);
  }

  @Test
  void regionOutsideTheImageIsRefused() {
    assertThatThrownBy(() -> cropper.crop(pattern(), new CropRegion(3, 0, 2, 1), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4x2");
  }

  @Test
  void malformedRegionsAreRefused() {
    for (String bad : new String[] {"1,2,3", "a,b,c,d", "-1,0,2,2", "0,0,0,5", "1,2,3,4,5"}) {
      assertThatThrownBy(() -> CropRegion.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void otherFormatsAndUndecodableBytesAreRefused() {
    assertThatThrownBy(() -> cropper.crop("GIF89a....".getBytes(), new CropRegion(0, 0, 1, 1), 1))
        .isInstanceOf(UnsupportedImageException.class).hasMessageContaining("JPEG and PNG");
    byte[] truncated = java.util.Arrays.copyOf(pattern(), 30);
    assertThatThrownBy(() -> cropper.crop(truncated, new CropRegion(0, 0, 1, 1), 1))
        .isInstanceOf(UnsupportedImageException.class);
  }

  @Test
  void imagesDeclaringMorePixelsThanTheLimitAreRefusedBeforeDecoding() {
    // 20000 x 20000 would take gigabytes once decoded: the header alone decides
    byte[] jpeg = TestImages.declaringSize(TestImages.jpeg(TestImages.noisyImage(16, 16, 1), false, 0), 20000, 20000);
    byte[] png = TestImages.declaringSize(pattern(), 20000, 20000);
    for (byte[] image : new byte[][] {jpeg, png}) {
      assertThatThrownBy(() -> cropper.crop(image, new CropRegion(0, 0, 10, 10), 1))
          .isInstanceOf(UnsupportedImageException.class)
          .hasMessageContaining("20000x20000")
          .hasMessageContaining(String.valueOf(ImageCropper.MAX_PIXELS))
          .extracting(e -> ((UnsupportedImageException) e).reason())
          .isEqualTo(UnsupportedImageException.Reason.TOO_LARGE);
    }
  }
}

package org.dermconsent.deid.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Crops a JPEG or PNG image to a region: the one de-identification step that changes pixels, used
 * when the whole image would show an identifying feature. The image is decoded, turned upright
 * (its EXIF orientation applied, so that the region is in the coordinates a viewer shows), cropped
 * and encoded again in its own format with ImageIO: JPEG at quality 0.95 (lossy, as any re-encoding
 * is), PNG losslessly. Colours are converted to sRGB; PNG alpha is kept. Nothing but pixels is
 * carried over. Plain JDK code, stateless and thread-safe.
 */
public final class ImageCropper {

  static final float JPEG_QUALITY = 0.95f;

  /**
   * The most pixels (width x height, as the header declares them) an image may have to be cropped:
   * 40 megapixels, more than a clinical camera takes. Decoding needs about 8 bytes a pixel here (the
   * raster and its RGB copy), so this bounds one crop to some 320 MB; a header that declares more is
   * refused before anything is decoded, or a small file could ask for gigabytes.
   */
  public static final long MAX_PIXELS = 40_000_000L;

  /**
   * @param image JPEG or PNG bytes
   * @param region the region to keep, in displayed coordinates
   * @param exifOrientation the image's EXIF orientation (1-8) or 0/1 for none; see
   *     {@link StrippedImage#originalExifOrientation()}
   * @throws UnsupportedImageException when the image is not a JPEG or PNG this JDK can decode
   * @throws IllegalArgumentException when the region does not lie within the image
   */
  public CroppedImage crop(byte[] image, CropRegion region, int exifOrientation) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(region, "region");
    ImageFormat format = FormatDetector.detect(image).format();
    if (!format.isSupported()) {
      throw new UnsupportedImageException(format, UnsupportedImageException.Reason.UNSUPPORTED_FORMAT,
          "Unsupported image format: " + format.displayName() + ". " + UnsupportedImageException.SUPPORTED_SENTENCE);
    }
    refuseTooManyPixels(image, format);
    BufferedImage decoded = decode(image, format);
    int orientation = exifOrientation >= 1 && exifOrientation <= 8 ? exifOrientation : 1;
    int w = decoded.getWidth();
    int h = decoded.getHeight();
    boolean swap = orientation >= 5;
    int dw = swap ? h : w;
    int dh = swap ? w : h;
    if ((long) region.x() + region.width() > dw || (long) region.y() + region.height() > dh) {
      throw new IllegalArgumentException("crop " + region + " does not lie within the image, which is " + dw + "x"
          + dh + " pixels as displayed");
    }
    boolean alpha = format == ImageFormat.PNG && decoded.getColorModel().hasAlpha();
    int[] stored = decoded.getRGB(0, 0, w, h, null, 0, w);
    int[] out = new int[region.width() * region.height()];
    for (int cy = 0; cy < region.height(); cy++) {
      for (int cx = 0; cx < region.width(); cx++) {
        int x = region.x() + cx;
        int y = region.y() + cy;
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          case 8 -> { sx = w - 1 - y; sy = x; }
          default -> { sx = x; sy = y; }
        }
        out[cy * region.width() + cx] = stored[sy * w + sx];
      }
    }
    BufferedImage cropped = new BufferedImage(region.width(), region.height(),
        alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    cropped.setRGB(0, 0, region.width(), region.height(), out, 0, region.width());
    return new CroppedImage(encode(cropped, format), format, region.width(), region.height(), dw, dh, orientation);
  }

  /** Reads the size from the header only (no pixel is decoded) and refuses it above {@link #MAX_PIXELS}. */
  private static void refuseTooManyPixels(byte[] image, ImageFormat format) {
    int width;
    int height;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw UnsupportedImageException.corrupt(format, "no decoder recognises the image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnsupportedImageException u) {
        throw u;
      }
      throw UnsupportedImageException.corrupt(format, "the image header cannot be read");
    }
    if ((long) width * height > MAX_PIXELS) {
      throw new UnsupportedImageException(format, UnsupportedImageException.Reason.TOO_LARGE,
          "The " + format.displayName() + " declares " + width + "x" + height + " pixels; images of more than "
              + MAX_PIXELS + " pixels are not decoded for cropping.");
    }
  }

  private static BufferedImage decode(byte[] image, ImageFormat format) {
    try {
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
      if (decoded == null) {
        throw UnsupportedImageException.corrupt(format, "the image cannot be decoded");
      }
      return decoded;
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnsupportedImageException u) {
        throw u;
      }
      // e.g. CMYK JPEG or a truncated stream: refuse rather than guess
      throw UnsupportedImageException.corrupt(format, "the image cannot be decoded for cropping");
    }
  }

  private static byte[] encode(BufferedImage image, ImageFormat format) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (format == ImageFormat.PNG) {
        if (!ImageIO.write(image, "png", bytes)) {
          throw new IllegalStateException("no PNG writer");
        }
        return bytes.toByteArray();
      }
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(JPEG_QUALITY);
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      } finally {
        writer.dispose();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.dermconsent.deid.image;

/**
 * Result of {@link ImageCropper#crop}: a newly encoded image holding only the crop region, upright.
 *
 * @param data the encoded image (same format as the input; no metadata but the encoder's minimal
 *     header, e.g. JFIF)
 * @param format {@link ImageFormat#JPEG} or {@link ImageFormat#PNG}
 * @param width width of the output in pixels (the crop width)
 * @param height height of the output in pixels (the crop height)
 * @param displayedWidth width of the whole source image as displayed (orientation applied)
 * @param displayedHeight height of the whole source image as displayed
 * @param orientationApplied the EXIF orientation (1-8) that was applied to the pixels before cropping
 */
public record CroppedImage(byte[] data, ImageFormat format, int width, int height, int displayedWidth,
    int displayedHeight, int orientationApplied) {

  public String contentType() {
    return format.mediaType();
  }
}

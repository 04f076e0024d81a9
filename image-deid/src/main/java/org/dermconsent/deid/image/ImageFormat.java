package org.dermconsent.deid.image;

/**
 * Image container formats recognised by {@link ImageMetadataStripper}. Detection is always done from
 * the leading bytes ("magic numbers") of the content, never from a declared content type or file name.
 *
 * <p>Only {@link #JPEG} and {@link #PNG} are {@linkplain #isSupported() supported}; the other
 * constants exist so that a refusal can name what was actually received.
 */
public enum ImageFormat {
  JPEG("JPEG", "image/jpeg", true),
  PNG("PNG", "image/png", true),
  GIF("GIF", "image/gif", false),
  TIFF("TIFF", "image/tiff", false),
  HEIF("HEIC/HEIF", "image/heif", false),
  AVIF("AVIF", "image/avif", false),
  DICOM("DICOM", "application/dicom", false),
  WEBP("WebP", "image/webp", false),
  BMP("BMP", "image/bmp", false),
  JPEG_2000("JPEG 2000", "image/jp2", false),
  JPEG_XL("JPEG XL", "image/jxl", false),
  /** Nothing recognisable (including empty content). */
  UNKNOWN("unknown", "application/octet-stream", false);

  private final String displayName;
  private final String mediaType;
  private final boolean supported;

  ImageFormat(String displayName, String mediaType, boolean supported) {
    this.displayName = displayName;
    this.mediaType = mediaType;
    this.supported = supported;
  }

  /** Human readable name used in messages, e.g. {@code "HEIC/HEIF"}. */
  public String displayName() {
    return displayName;
  }

  /** The usual MIME type of this format, e.g. {@code "image/jpeg"}. */
  public String mediaType() {
    return mediaType;
  }

  /** Whether {@link ImageMetadataStripper} can strip metadata from this format. */
  public boolean isSupported() {
    return supported;
  }
}

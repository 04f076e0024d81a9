package org.dermconsent.deid.image;

/**
 * Thrown when content cannot be de-identified losslessly: either its format is not supported (only
 * JPEG and PNG are), or it claims to be JPEG/PNG but is corrupt or truncated. The message is meant to
 * be shown to API clients (for example in a 422 OperationOutcome): it names the detected format and
 * states that JPEG and PNG are the supported formats. It never contains bytes of the image itself.
 */
public class UnsupportedImageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the image was refused. */
  public enum Reason {
    /** The detected format (or a feature of it, such as PNG animation) is not supported. */
    UNSUPPORTED_FORMAT,
    /** The content looks like JPEG or PNG but is malformed or truncated. */
    CORRUPT,
    /** The image declares more pixels than may be decoded (see {@link ImageCropper#MAX_PIXELS}). */
    TOO_LARGE
  }

  /** Sentence appended to every message. */
  static final String SUPPORTED_SENTENCE =
      "Only well-formed JPEG and PNG images are supported for metadata stripping.";

  private final ImageFormat detectedFormat;
  private final Reason reason;

  public UnsupportedImageException(ImageFormat detectedFormat, Reason reason, String message) {
    super(message);
    this.detectedFormat = detectedFormat == null ? ImageFormat.UNKNOWN : detectedFormat;
    this.reason = reason == null ? Reason.UNSUPPORTED_FORMAT : reason;
  }

  /** The format detected from the content's leading bytes. */
  public ImageFormat detectedFormat() {
    return detectedFormat;
  }

  public Reason reason() {
    return reason;
  }

  static UnsupportedImageException corrupt(ImageFormat format, String problem) {
    return new UnsupportedImageException(
        format, Reason.CORRUPT, "Corrupt " + format.displayName() + ": " + problem + ". " + SUPPORTED_SENTENCE);
  }
}

package org.dermconsent.deid.image;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Result of {@link ImageMetadataStripper#strip(byte[], String)}: the stripped image bytes, the format
 * detected from the content, what was removed and what was deliberately kept. Immutable.
 */
public final class StrippedImage {

  private final byte[] data;
  private final ImageFormat format;
  private final List<RemovedMetadata> removed;
  private final List<String> retainedMetadata;
  private final Integer originalExifOrientation;
  private final String declaredContentType;
  private final int originalLength;

  StrippedImage(
      byte[] data,
      ImageFormat format,
      List<RemovedMetadata> removed,
      List<String> retainedMetadata,
      Integer originalExifOrientation,
      String declaredContentType,
      int originalLength) {
    this.data = data;
    this.format = format;
    this.removed = List.copyOf(removed);
    this.retainedMetadata = List.copyOf(new LinkedHashSet<>(retainedMetadata));
    this.originalExifOrientation = originalExifOrientation;
    this.declaredContentType = declaredContentType;
    this.originalLength = originalLength;
  }

  /** The stripped image (a fresh copy on every call). */
  public byte[] data() {
    return data.clone();
  }

  /** Size of the stripped image in bytes. */
  public int length() {
    return data.length;
  }

  /** Size of the input in bytes. */
  public int originalLength() {
    return originalLength;
  }

  /** Format detected from the content's magic bytes: {@link ImageFormat#JPEG} or {@link ImageFormat#PNG}. */
  public ImageFormat format() {
    return format;
  }

  /** MIME type of the stripped image ({@code image/jpeg} or {@code image/png}), from the detected format. */
  public String contentType() {
    return format.mediaType();
  }

  /** Every removed item, in input order. Empty when the image carried no removable metadata. */
  public List<RemovedMetadata> removed() {
    return removed;
  }

  /** The distinct {@link RemovedMetadata#kind() kinds} that were removed, in order of first occurrence. */
  public List<String> removedKinds() {
    List<String> kinds = new ArrayList<>(new LinkedHashSet<>(removed.stream().map(RemovedMetadata::kind).toList()));
    return List.copyOf(kinds);
  }

  /** Whether anything at all was removed. */
  public boolean anythingRemoved() {
    return !removed.isEmpty();
  }

  /**
   * Non-pixel segments or chunks that were deliberately kept because they are needed to render the
   * pixels correctly, e.g. {@code "APP0/JFIF"}, {@code "APP2/ICC_PROFILE"}, {@code "APP14/Adobe"},
   * {@code "PNG gAMA"}, {@code "PNG iCCP"}. Distinct, in order of first occurrence.
   */
  public List<String> retainedMetadata() {
    return retainedMetadata;
  }

  /**
   * The EXIF orientation (1-8) that the input declared (JPEG APP1 Exif or PNG eXIf, IFD0 tag 0x0112),
   * if any. EXIF is removed entirely, so this orientation is no longer in the output and the pixels are
   * not rotated; a caller that wants the derivative to display upright must keep this value (it is not
   * identifying) and apply it when rendering.
   */
  public OptionalInt originalExifOrientation() {
    return originalExifOrientation == null ? OptionalInt.empty() : OptionalInt.of(originalExifOrientation);
  }

  /** The content type the caller declared, as given (may be {@code null}). */
  public String declaredContentType() {
    return declaredContentType;
  }

  /**
   * True when a content type was declared and it does not match the detected format (for example
   * declared {@code image/png} but the bytes are JPEG). The detected format always wins; callers should
   * use {@link #contentType()} for the derivative.
   */
  public boolean declaredContentTypeMismatch() {
    if (declaredContentType == null || declaredContentType.isBlank()) {
      return false;
    }
    String t = declaredContentType.toLowerCase(Locale.ROOT);
    int semicolon = t.indexOf(';');
    if (semicolon >= 0) {
      t = t.substring(0, semicolon);
    }
    t = t.trim();
    return switch (format) {
      case JPEG -> !(t.equals("image/jpeg") || t.equals("image/jpg") || t.equals("image/pjpeg"));
      case PNG -> !(t.equals("image/png") || t.equals("image/x-png") || t.equals("image/apng"));
      default -> true;
    };
  }

  @Override
  public String toString() {
    return "StrippedImage[" + format.displayName() + ", " + originalLength + " -> " + data.length
        + " bytes, removed=" + removedKinds() + ", retained=" + retainedMetadata + "]";
  }
}

package org.dermconsent.deid.image;

import java.util.Objects;

/**
 * Removes embedded metadata from JPEG and PNG images <em>losslessly</em>: the pixel data is never
 * decoded or re-encoded, so the de-identified derivative shows exactly the same pixels as the source.
 * Plain JDK code, stateless and thread-safe.
 *
 * <h2>Format detection</h2>
 * The format is detected from the leading bytes of the content; the declared content type is only
 * compared with it ({@link StrippedImage#declaredContentTypeMismatch()}). JPEG and PNG are supported.
 * Everything else (HEIC/HEIF, AVIF, TIFF, DICOM, GIF, WebP, BMP, JPEG 2000, JPEG XL, unknown bytes,
 * animated PNG) and every corrupt or truncated JPEG/PNG is refused with an
 * {@link UnsupportedImageException} whose message names the detected format, the problem (with its
 * byte offset) and the supported formats. Nothing is ever passed through unparsed.
 *
 * <h2>JPEG</h2>
 * The marker segments are parsed (SOI, APPn, COM, DQT, DHT, DAC, DRI, SOFn, DHP, EXP, DNL, SOS, the
 * entropy-coded data with its stuffed {@code 0xFF00} bytes and RSTn markers, EOI), including
 * progressive and other multi-scan files.
 * <ul>
 *   <li><b>Removed:</b> APP1 Exif (IFD0, Exif SubIFD, GPS, maker notes, interoperability, the IFD1
 *       thumbnail: dates, locations, serial numbers, owner names), APP1 XMP and extended XMP, APP13
 *       (Photoshop image resources / IPTC: by-line, caption, keywords), COM comments, APP0 JFXX
 *       thumbnails, APP2 segments other than ICC (MPF, FlashPix), APP12 (Ducky, picture info), every
 *       other APPn segment, and all bytes after EOI (appended images, vendor trailers).</li>
 *   <li><b>Kept:</b> APP0 JFIF, rewritten as a minimal 16-byte header (version, density units and
 *       densities) with no thumbnail; APP2 {@code ICC_PROFILE} segments, verbatim and in order (a
 *       profile may be split over several segments), because the colours cannot be rendered
 *       correctly without them; APP14 {@code Adobe} (12-byte payload: tells the decoder whether the
 *       components are YCbCr/YCCK or RGB/CMYK), any appended bytes cut off.</li>
 *   <li><b>Copied byte for byte:</b> DQT, DHT, DAC, DRI, SOFn, DHP, EXP, DNL, every SOS header and all
 *       entropy-coded data. For an ordinary file (no APPn/COM after the frame header) the output from
 *       the first SOF marker to EOI is therefore identical to the input's. APPn/COM segments that
 *       appear between scans are handled by the same rules as those before the frame.</li>
 * </ul>
 * <b>Orientation:</b> EXIF is dropped entirely, including its Orientation tag, and the pixels are not
 * rotated (rotating a JPEG losslessly is only possible on MCU boundaries). The original orientation
 * value (1-8) from IFD0 is returned in {@link StrippedImage#originalExifOrientation()} so that the
 * caller can keep it as a non-identifying attribute of the derivative and apply it for display.
 *
 * <h2>PNG</h2>
 * The signature and the CRC of every chunk are checked (a bad CRC is refused). Kept: the critical
 * chunks IHDR, PLTE, IDAT (verbatim, so the compressed pixel data is identical) and IEND, and the
 * ancillary chunks that affect how pixels are rendered: tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, cICP, mDCV,
 * cLLI, bKGD and the harmless pHYs (pixel density/aspect ratio). Removed: tEXt, zTXt, iTXt (including
 * XMP), eXIf, tIME, and every other ancillary chunk, including unknown and private ones, plus any bytes
 * after IEND. Unknown critical chunks and animated PNG (acTL/fcTL/fdAT) are refused.
 *
 * <h2>ICC profiles</h2>
 * ICC profiles (JPEG APP2, PNG iCCP) are kept verbatim. They describe the camera's or editor's colour
 * space (typically sRGB or Adobe RGB); their text tags (description, copyright, device model) and
 * creation date belong to the profile, not to the photograph or the patient.
 */
public final class ImageMetadataStripper {

  /**
   * Strips embedded metadata.
   *
   * @param image the image bytes; not modified
   * @param declaredContentType the content type the client declared (may be {@code null}); used only to
   *     report a mismatch, never to choose the parser
   * @return the stripped image and a report of what was removed and kept
   * @throws UnsupportedImageException when the content is not JPEG or PNG, or is corrupt or truncated
   * @throws NullPointerException when {@code image} is {@code null}
   */
  public StrippedImage strip(byte[] image, String declaredContentType) {
    Objects.requireNonNull(image, "image");
    FormatDetector.Detection detection = FormatDetector.detect(image);
    return switch (detection.format()) {
      case JPEG -> JpegStripper.strip(image, declaredContentType);
      case PNG -> PngStripper.strip(image, declaredContentType);
      default -> throw unsupported(detection, declaredContentType);
    };
  }

  private static UnsupportedImageException unsupported(FormatDetector.Detection d, String declared) {
    StringBuilder sb = new StringBuilder("Unsupported image format: ");
    if (d.format() == ImageFormat.UNKNOWN) {
      sb.append(d.detail() != null ? "the content is " + d.detail() : "the content is not a recognised image format");
    } else {
      sb.append("the content is ").append(d.format().displayName());
      if (d.detail() != null) {
        sb.append(" (").append(d.detail()).append(')');
      }
    }
    sb.append(", detected from its leading bytes");
    if (declared != null && !declared.isBlank()) {
      sb.append(" (declared content type: ").append(sanitize(declared)).append(')');
    }
    sb.append(". ").append(UnsupportedImageException.SUPPORTED_SENTENCE);
    return new UnsupportedImageException(d.format(), UnsupportedImageException.Reason.UNSUPPORTED_FORMAT, sb.toString());
  }

  /** Declared content types come from clients: keep them short and printable in messages. */
  private static String sanitize(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return sb.toString();
  }
}

package org.dermconsent.deid.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.deid.image.TestImages.*;

import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.adobe.AdobeJpegDirectory;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.ExifThumbnailDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.exif.makernotes.CanonMakernoteDirectory;
import com.drew.metadata.file.FileTypeDirectory;
import com.drew.metadata.icc.IccDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.jfif.JfifDirectory;
import com.drew.metadata.jpeg.HuffmanTablesDirectory;
import com.drew.metadata.jpeg.JpegCommentDirectory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.photoshop.PhotoshopDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JpegStripperTest {

  private static final Set<Class<? extends Directory>> ALLOWED_AFTER_STRIP = Set.of(
      JpegDirectory.class, JfifDirectory.class, IccDirectory.class, AdobeJpegDirectory.class,
      HuffmanTablesDirectory.class, FileTypeDirectory.class);

  private static final String COMMENT = "Patient: " + PATIENT_NAME + ", DOB 1970-01-01, MRN 0012345";

  private static byte[] base;
  private static byte[] iccProfile;
  private static byte[] trailing;
  private static byte[] loaded;

  private final ImageMetadataStripper stripper = new ImageMetadataStripper();

  @BeforeAll
  static void generate() {
    // Baseline JPEG with a restart interval so that the scan contains RSTn markers.
    base = jpeg(noisyImage(96, 64, 1), false, 2);
    iccProfile = iccProfile();
    byte[][] icc = iccSegments(iccProfile, 2);
    byte[] j = withExif(base);
    j = withXmpAndExtendedXmp(j);
    j = withIptc(j);
    j = insertBeforeFirstNonApp(j,
        icc[0], icc[1],
        comSegment(COMMENT),
        adobeSegment(new byte[0]),
        segment(0xE2, concat(latin1("MPF\0"), latin1("MM\0*\0\0\0\u0008"))),
        segment(0xEC, concat(latin1("Ducky"), latin1("\0\u0001\0\u0004\0\0\0\u0050"))),
        segment(0xE7, latin1("vendor private " + PATIENT_NAME)));
    trailing = concat(latin1("\0\0TRAILER " + PATIENT_NAME + "\0"), jpeg(noisyImage(8, 8, 5), false, 0));
    loaded = concat(j, trailing);
  }

  @Test
  void fixtureReallyCarriesTheMetadataThatMustBeRemoved() throws Exception {
    Metadata md = Readers.metadata(loaded);

    ExifIFD0Directory ifd0 = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
    assertThat(ifd0.getString(ExifIFD0Directory.TAG_MAKE)).isEqualTo("Canon");
    assertThat(ifd0.getString(ExifIFD0Directory.TAG_ARTIST)).isEqualTo(PHOTOGRAPHER);
    assertThat(ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(EXIF_ORIENTATION);
    ExifSubIFDDirectory sub = md.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
    assertThat(sub.getString(ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL)).isEqualTo(DATE_TIME_ORIGINAL);
    assertThat(sub.getString(0xA431)).isEqualTo(BODY_SERIAL);
    GpsDirectory gps = md.getFirstDirectoryOfType(GpsDirectory.class);
    assertThat(gps.getGeoLocation().getLatitude()).isCloseTo(GPS_LATITUDE, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(gps.getGeoLocation().getLongitude()).isCloseTo(GPS_LONGITUDE, org.assertj.core.data.Offset.offset(1e-4));
    CanonMakernoteDirectory canon = md.getFirstDirectoryOfType(CanonMakernoteDirectory.class);
    assertThat(canon.getInt(CanonMakernoteDirectory.TAG_CANON_SERIAL_NUMBER)).isEqualTo(CANON_SERIAL);
    ExifThumbnailDirectory thumb = md.getFirstDirectoryOfType(ExifThumbnailDirectory.class);
    assertThat(thumb.getInt(ExifThumbnailDirectory.TAG_THUMBNAIL_LENGTH)).isGreaterThan(100);
    // metadata-extractor reports the main and the extended XMP packet as two XmpDirectory instances.
    java.util.Map<String, String> xmp = new java.util.HashMap<>();
    md.getDirectoriesOfType(XmpDirectory.class).forEach(d -> xmp.putAll(d.getXmpProperties()));
    assertThat(xmp).containsEntry("dc:creator[1]", PHOTOGRAPHER);
    assertThat(xmp.get("photoshop:Instructions")).contains(PATIENT_NAME);
    IptcDirectory iptc = md.getFirstDirectoryOfType(IptcDirectory.class);
    assertThat(iptc.getString(IptcDirectory.TAG_BY_LINE)).isEqualTo(PHOTOGRAPHER);
    assertThat(iptc.getString(IptcDirectory.TAG_CAPTION)).contains(PATIENT_NAME);
    assertThat(md.getFirstDirectoryOfType(PhotoshopDirectory.class)).isNotNull();
    assertThat(md.getFirstDirectoryOfType(JpegCommentDirectory.class).getString(JpegCommentDirectory.TAG_COMMENT))
        .isEqualTo(COMMENT);
    assertThat(md.getFirstDirectoryOfType(IccDirectory.class)).isNotNull();
    assertThat(contains(loaded, PATIENT_NAME)).isTrue();
    assertThat(contains(loaded, BODY_SERIAL)).isTrue();

    // The scan really exercises restart markers and stuffed bytes.
    assertThat(JpegStructure.count(base, 0xDD)).isEqualTo(1);
    assertThat(JpegStructure.scanDataContains(base, 0xFF, 0xD0, 0xD7)).isTrue();
    assertThat(JpegStructure.scanDataContains(base, 0xFF, 0x00, 0x00)).isTrue();
  }

  @Test
  void removesExifXmpIptcCommentsThumbnailsAndTrailingData() {
    StrippedImage result = stripper.strip(loaded, "image/jpeg");
    byte[] out = result.data();
    Metadata md = Readers.metadata(out);

    assertThat(md.getDirectoriesOfType(ExifIFD0Directory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(ExifSubIFDDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(GpsDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(CanonMakernoteDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(ExifThumbnailDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(XmpDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(IptcDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(PhotoshopDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(JpegCommentDirectory.class)).isEmpty();
    // Whatever metadata-extractor finds must be on the allow list (catches makernotes of any vendor too).
    assertThat(Readers.directoryTypes(md)).allSatisfy(t -> assertThat(ALLOWED_AFTER_STRIP).contains(t));
    for (Directory d : md.getDirectories()) {
      assertThat(d.getErrors()).as(d.getName()).isEmpty();
    }

    for (String secret : List.of(PATIENT_NAME, PHOTOGRAPHER, BODY_SERIAL, DATE_TIME_ORIGINAL, "MRN 0012345",
        "Canon", "Exif\0", "http://ns.adobe.com/", "Photoshop 3.0", "TRAILER")) {
      assertThat(contains(out, secret)).as("output still contains %s", secret).isFalse();
    }

    assertThat(result.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(result.contentType()).isEqualTo("image/jpeg");
    assertThat(result.removedKinds()).containsExactlyInAnyOrder(
        "APP1/Exif", "APP1/XMP", "APP1/XMP-extended", "APP13/IPTC-Photoshop", "COM", "APP2/MPF", "APP12/Ducky",
        "APP7", "trailing data after EOI");
    assertThat(result.retainedMetadata()).containsExactly("APP0/JFIF", "APP2/ICC_PROFILE", "APP14/Adobe");
    assertThat(result.declaredContentTypeMismatch()).isFalse();
    assertThat(result.originalLength()).isEqualTo(loaded.length);
    assertThat(result.length()).isEqualTo(out.length);
  }

  @Test
  void keepsChunkedIccProfileVerbatimAndAdobeSegment() {
    byte[] out = stripper.strip(loaded, "image/jpeg").data();

    List<JpegStructure.Segment> app2 = JpegStructure.all(out, 0xE2);
    assertThat(app2).hasSize(2);
    ByteArrayOutputStream profile = new ByteArrayOutputStream();
    for (JpegStructure.Segment s : app2) {
      byte[] payload = s.payload(out);
      assertThat(new String(payload, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("ICC_PROFILE\0");
      profile.write(payload, 14, payload.length - 14);
    }
    assertThat(profile.toByteArray()).isEqualTo(iccProfile);
    assertThat(Readers.metadata(out).getFirstDirectoryOfType(IccDirectory.class)).isNotNull();

    List<JpegStructure.Segment> app14 = JpegStructure.all(out, 0xEE);
    assertThat(app14).hasSize(1);
    assertThat(Readers.metadata(out).getFirstDirectoryOfType(AdobeJpegDirectory.class)).isNotNull();
  }

  @Test
  void outputIsExactlyTheOriginalEncodingPlusKeptColourSegments() {
    byte[] out = stripper.strip(loaded, null).data();
    byte[][] icc = iccSegments(iccProfile, 2);
    byte[] expected = insertBeforeFirstNonApp(base, icc[0], icc[1], adobeSegment(new byte[0]));
    assertThat(out).isEqualTo(expected);
  }

  @Test
  void pixelDataIsByteIdenticalFromFirstSofToEoi() {
    byte[] out = stripper.strip(loaded, "image/jpeg").data();

    int sofOut = JpegStructure.firstSofOffset(out);
    int sofIn = JpegStructure.firstSofOffset(loaded);
    byte[] tailOut = Arrays.copyOfRange(out, sofOut, out.length);
    byte[] tailIn = Arrays.copyOfRange(loaded, sofIn, JpegStructure.eoiEnd(loaded));
    assertThat(tailOut).isEqualTo(tailIn);
    assertThat(JpegStructure.eoiEnd(out)).isEqualTo(out.length);
    assertThat(JpegStructure.scanData(out)).isEqualTo(JpegStructure.scanData(base));

    assertThat(Readers.rasterSamples(out)).isEqualTo(Readers.rasterSamples(loaded));
    assertThat(Readers.argb(out)).isEqualTo(Readers.argb(base));
  }

  @Test
  void reportsWhereEachRemovedItemWas() {
    StrippedImage result = stripper.strip(loaded, "image/jpeg");
    for (RemovedMetadata r : result.removed()) {
      if (r.kind().startsWith("APP") || r.kind().equals("COM")) {
        assertThat(loaded[r.offset()] & 0xFF).as(r.toString()).isEqualTo(0xFF);
        int declared = ((loaded[r.offset() + 2] & 0xFF) << 8) | (loaded[r.offset() + 3] & 0xFF);
        assertThat(r.length()).as(r.toString()).isEqualTo(declared + 2);
      }
    }
    RemovedMetadata trailer = result.removed().get(result.removed().size() - 1);
    assertThat(trailer.kind()).isEqualTo("trailing data after EOI");
    assertThat(trailer.length()).isEqualTo(trailing.length);
    assertThat(trailer.offset()).isEqualTo(loaded.length - trailing.length);
  }

  @Test
  void recordsTheOriginalExifOrientation() {
    assertThat(stripper.strip(loaded, "image/jpeg").originalExifOrientation()).hasValue(EXIF_ORIENTATION);
    assertThat(stripper.strip(base, "image/jpeg").originalExifOrientation()).isEmpty();
  }

  @Test
  void cleanJpegIsReturnedUnchangedAndStrippingIsIdempotent() {
    StrippedImage clean = stripper.strip(base, "image/jpeg");
    assertThat(clean.data()).isEqualTo(base);
    assertThat(clean.removed()).isEmpty();
    assertThat(clean.anythingRemoved()).isFalse();

    byte[] once = stripper.strip(loaded, "image/jpeg").data();
    StrippedImage twice = stripper.strip(once, "image/jpeg");
    assertThat(twice.data()).isEqualTo(once);
    assertThat(twice.removed()).isEmpty();
  }

  @Test
  void doesNotModifyTheInput() {
    byte[] copy = loaded.clone();
    stripper.strip(copy, "image/jpeg");
    assertThat(copy).isEqualTo(loaded);
  }

  @Test
  void progressiveMultiScanJpegWithCommentBetweenScans() {
    byte[] progressive = jpeg(noisyImage(80, 56, 2), true, 0);
    assertThat(JpegStructure.segments(progressive).stream().anyMatch(s -> s.marker() == 0xC2)).isTrue();
    assertThat(JpegStructure.count(progressive, 0xDA)).isGreaterThan(3);

    byte[] withExif = withExif(progressive);
    // A COM and an XMP segment hidden between the first and second scans.
    List<JpegStructure.Segment> scans = JpegStructure.all(withExif, 0xDA);
    int afterFirstScan = scans.get(0).scanEnd();
    byte[] loadedProgressive = insertAt(withExif, afterFirstScan, comSegment(COMMENT),
        segment(0xE1, concat(latin1("http://ns.adobe.com/xap/1.0/\0"), latin1(xmpPacket(null)))));
    // (metadata-extractor stops at the first SOS, so check the hidden segments structurally)
    assertThat(JpegStructure.count(loadedProgressive, 0xFE)).isEqualTo(1);
    assertThat(JpegStructure.all(loadedProgressive, 0xFE).get(0).offset()).isGreaterThan(scans.get(0).offset());
    assertThat(contains(loadedProgressive, PATIENT_NAME)).isTrue();
    assertThat(Readers.argb(loadedProgressive)).isEqualTo(Readers.argb(progressive));

    StrippedImage result = stripper.strip(loadedProgressive, "image/jpeg");
    byte[] out = result.data();

    assertThat(out).isEqualTo(progressive);
    assertThat(result.removedKinds()).containsExactly("APP1/Exif", "COM", "APP1/XMP");
    assertThat(JpegStructure.count(out, 0xDA)).isEqualTo(JpegStructure.count(progressive, 0xDA));
    assertThat(JpegStructure.scanData(out)).isEqualTo(JpegStructure.scanData(loadedProgressive));
    assertThat(Readers.rasterSamples(out)).isEqualTo(Readers.rasterSamples(loadedProgressive));
    assertThat(JpegStructure.count(out, 0xFE)).isZero();
    assertThat(contains(out, PATIENT_NAME)).isFalse();
    Metadata md = Readers.metadata(out);
    assertThat(md.getDirectoriesOfType(JpegCommentDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(XmpDirectory.class)).isEmpty();
    assertThat(md.getDirectoriesOfType(ExifIFD0Directory.class)).isEmpty();
  }

  @Test
  void jfifThumbnailIsRemovedAndJfxxDropped() {
    byte[] withThumb = replaceFirstApp0(base, jfifWithThumbnail(4, 3));
    withThumb = insertBeforeFirstNonApp(withThumb, jfxxThumbnail());
    JfifDirectory before = Readers.metadata(withThumb).getFirstDirectoryOfType(JfifDirectory.class);
    assertThat(before.getInteger(JfifDirectory.TAG_THUMB_WIDTH)).isEqualTo(4);

    StrippedImage result = stripper.strip(withThumb, "image/jpeg");
    byte[] out = result.data();

    List<JpegStructure.Segment> app0 = JpegStructure.all(out, 0xE0);
    assertThat(app0).hasSize(1);
    byte[] payload = app0.get(0).payload(out);
    assertThat(payload).isEqualTo(new byte[] {'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, 72, 0, 72, 0, 0});
    JfifDirectory after = Readers.metadata(out).getFirstDirectoryOfType(JfifDirectory.class);
    assertThat(after.getInteger(JfifDirectory.TAG_THUMB_WIDTH)).isZero();
    assertThat(after.getInteger(JfifDirectory.TAG_THUMB_HEIGHT)).isZero();
    assertThat(after.getInteger(JfifDirectory.TAG_RESX)).isEqualTo(72);
    assertThat(result.removedKinds()).containsExactly("APP0/JFIF thumbnail", "APP0/JFXX thumbnail");
    RemovedMetadata thumb = result.removed().get(0);
    assertThat(thumb.length()).isEqualTo(2 + 4 * 3 * 3);
    assertThat(Readers.argb(out)).isEqualTo(Readers.argb(base));
  }

  @Test
  void adobeSegmentIsCutToItsDefinedFields() {
    byte[] in = insertBeforeFirstNonApp(base, adobeSegment(latin1("hidden " + PATIENT_NAME)));
    StrippedImage result = stripper.strip(in, "image/jpeg");
    byte[] out = result.data();
    assertThat(out).isEqualTo(insertBeforeFirstNonApp(base, adobeSegment(new byte[0])));
    assertThat(result.removedKinds()).containsExactly("APP14/Adobe extra bytes");
    assertThat(result.retainedMetadata()).contains("APP14/Adobe");
    assertThat(contains(out, PATIENT_NAME)).isFalse();
  }

  @Test
  void fillBytesBeforeMarkersArePreserved() {
    int sof = JpegStructure.firstSofOffset(base);
    byte[] padded = insertAt(base, sof, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    StrippedImage result = stripper.strip(padded, "image/jpeg");
    assertThat(result.data()).isEqualTo(padded);
    assertThat(result.removed()).isEmpty();
  }

  @Test
  void detectsJpegByContentNotByDeclaredType() {
    StrippedImage declaredPng = stripper.strip(loaded, "image/png");
    assertThat(declaredPng.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(declaredPng.contentType()).isEqualTo("image/jpeg");
    assertThat(declaredPng.declaredContentTypeMismatch()).isTrue();
    assertThat(declaredPng.removedKinds()).contains("APP1/Exif");

    assertThat(stripper.strip(base, "IMAGE/JPEG; q=1").declaredContentTypeMismatch()).isFalse();
    assertThat(stripper.strip(base, null).declaredContentTypeMismatch()).isFalse();
    assertThat(stripper.strip(base, "application/octet-stream").declaredContentTypeMismatch()).isTrue();
  }
}

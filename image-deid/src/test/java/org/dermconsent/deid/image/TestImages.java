package org.dermconsent.deid.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcRecord;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcTypes;
import org.apache.commons.imaging.formats.jpeg.iptc.JpegIptcRewriter;
import org.apache.commons.imaging.formats.jpeg.iptc.PhotoshopApp13Data;
import org.apache.commons.imaging.formats.jpeg.xmp.JpegXmpRewriter;
import org.apache.commons.imaging.formats.tiff.JpegImageData;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffDirectoryConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.w3c.dom.Node;

/**
 * Test utility that generates the images used by the tests, in memory, from a fixed random seed.
 * Base images are encoded by ImageIO; realistic EXIF (IFD0, Exif SubIFD, GPS, Canon maker note, IFD1
 * thumbnail), XMP and IPTC are written with Apache Commons Imaging; the segments and chunks no library
 * writes (extended XMP, COM, chunked ICC, Adobe, JFIF thumbnails, PNG text/time/eXIf/private chunks)
 * are built by hand from the format specifications.
 */
public final class TestImages {

  public static final String PATIENT_NAME = "Johnathan Q. Patientson";
  public static final String PHOTOGRAPHER = "Dr. Jane Roe-Photographer";
  public static final String BODY_SERIAL = "SN-0042-987654321";
  public static final String DATE_TIME_ORIGINAL = "2023:05:14 10:22:33";
  public static final double GPS_LATITUDE = 48.8566;
  public static final double GPS_LONGITUDE = 2.3522;
  public static final int CANON_SERIAL = 0x075BCD15; // 123456789
  public static final int EXIF_ORIENTATION = 6;

  private TestImages() {}

  // ---------------------------------------------------------------- base images

  /** A deterministic noisy RGB image: noise makes the JPEG entropy data contain 0xFF bytes. */
  public static BufferedImage noisyImage(int width, int height, long seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / width + random.nextInt(64)) & 0xFF;
        int g = (y * 255 / height + random.nextInt(64)) & 0xFF;
        int b = ((x + y) * 3 + random.nextInt(128)) & 0xFF;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  /** JPEG written by ImageIO (JFIF APP0, DQT, SOF0 or SOF2, DHT, SOS...). */
  public static byte[] jpeg(BufferedImage img, boolean progressive, int restartInterval) {
    try {
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
      if (restartInterval > 0) {
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode markerSequence = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode dri = new IIOMetadataNode("dri");
        dri.setAttribute("interval", Integer.toString(restartInterval));
        Node first = markerSequence.getFirstChild();
        markerSequence.insertBefore(dri, first);
        metadata.setFromTree(format, root);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(img, null, metadata), param);
      }
      writer.dispose();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "png", bytes)) {
        throw new IllegalStateException("no PNG writer");
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- JPEG metadata writers

  /**
   * Adds APP1 Exif with commons-imaging: IFD0 (Make Canon, Model, Artist, Orientation), Exif SubIFD
   * (DateTimeOriginal, BodySerialNumber 0xA431, a Canon maker note), GPS and an IFD1 JPEG thumbnail.
   */
  public static byte[] withExif(byte[] jpeg) {
    try {
      TiffOutputSet set = new TiffOutputSet(ByteOrder.BIG_ENDIAN);
      TiffOutputDirectory root = set.getOrCreateRootDirectory();
      root.add(TiffTagConstants.TIFF_TAG_MAKE, "Canon");
      root.add(TiffTagConstants.TIFF_TAG_MODEL, "Canon EOS 5D Mark IV");
      root.add(TiffTagConstants.TIFF_TAG_ARTIST, PHOTOGRAPHER);
      root.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) EXIF_ORIENTATION);
      TiffOutputDirectory exif = set.getOrCreateExifDirectory();
      exif.add(ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL, DATE_TIME_ORIGINAL);
      exif.add(ExifTagConstants.EXIF_TAG_BODY_SERIAL_NUMBER, BODY_SERIAL);
      exif.add(ExifTagConstants.EXIF_TAG_USER_COMMENT, "ASCII\0\0\0Patient " + PATIENT_NAME);
      exif.add(ExifTagConstants.EXIF_TAG_MAKER_NOTE, canonMakerNote());
      set.setGpsInDegrees(GPS_LONGITUDE, GPS_LATITUDE);
      set.getGpsDirectory().add(org.apache.commons.imaging.formats.tiff.constants.GpsTagConstants.GPS_TAG_GPS_ALTITUDE,
          RationalNumber.valueOf(35.0));

      byte[] thumbnail = jpeg(noisyImage(16, 12, 7), false, 0);
      TiffOutputDirectory ifd1 = new TiffOutputDirectory(TiffDirectoryConstants.DIRECTORY_TYPE_DIR_1, ByteOrder.BIG_ENDIAN);
      ifd1.add(TiffTagConstants.TIFF_TAG_COMPRESSION, (short) 6);
      ifd1.setJpegImageData(new JpegImageData(0, thumbnail.length, thumbnail));
      set.addDirectory(ifd1);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new ExifRewriter().updateExifMetadataLossless(jpeg, out, set);
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Canon maker note: a big-endian IFD with one inline entry, tag 0x000C (camera serial number). */
  public static byte[] canonMakerNote() {
    ByteBuffer b = ByteBuffer.allocate(2 + 12 + 4).order(ByteOrder.BIG_ENDIAN);
    b.putShort((short) 1);
    b.putShort((short) 0x000C).putShort((short) 4).putInt(1).putInt(CANON_SERIAL);
    b.putInt(0);
    return b.array();
  }

  public static String xmpPacket(String extendedGuid) {
    String hasExtended = extendedGuid == null ? ""
        : "   xmlns:xmpNote='http://ns.adobe.com/xmp/note/' xmpNote:HasExtendedXMP='" + extendedGuid + "'\n";
    return "<?xpacket begin='\uFEFF' id='W5M0MpCehiHzreSzNTczkc9d'?>\n"
        + "<x:xmpmeta xmlns:x='adobe:ns:meta/'>\n"
        + " <rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
        + "  <rdf:Description rdf:about=''\n"
        + "   xmlns:dc='http://purl.org/dc/elements/1.1/'\n"
        + hasExtended
        + "   xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/' photoshop:City='Paris'>\n"
        + "   <dc:creator><rdf:Seq><rdf:li>" + PHOTOGRAPHER + "</rdf:li></rdf:Seq></dc:creator>\n"
        + "   <dc:title><rdf:Alt><rdf:li xml:lang='x-default'>" + PATIENT_NAME + " left forearm</rdf:li></rdf:Alt></dc:title>\n"
        + "  </rdf:Description>\n"
        + " </rdf:RDF>\n"
        + "</x:xmpmeta>\n"
        + "<?xpacket end='w'?>";
  }

  public static String extendedXmpPacket() {
    return "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        + "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        + "<rdf:Description rdf:about='' xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/'"
        + " photoshop:Instructions='Extended: patient " + PATIENT_NAME + "'/>"
        + "</rdf:RDF></x:xmpmeta>";
  }

  /** Adds a main XMP packet (commons-imaging) referencing an extended XMP segment (hand built). */
  public static byte[] withXmpAndExtendedXmp(byte[] jpeg) {
    try {
      byte[] extended = extendedXmpPacket().getBytes(StandardCharsets.UTF_8);
      String guid = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(extended));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new JpegXmpRewriter().updateXmpXml(jpeg, out, xmpPacket(guid));
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      payload.writeBytes("http://ns.adobe.com/xmp/extension/\0".getBytes(StandardCharsets.US_ASCII));
      payload.writeBytes(guid.getBytes(StandardCharsets.US_ASCII));
      payload.writeBytes(ByteBuffer.allocate(8).putInt(extended.length).putInt(0).array());
      payload.writeBytes(extended);
      return insertBeforeFirstNonApp(out.toByteArray(), segment(0xE1, payload.toByteArray()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds an APP13 Photoshop 3.0 block with IPTC by-line, caption and object name (commons-imaging). */
  public static byte[] withIptc(byte[] jpeg) {
    try {
      List<IptcRecord> records = new ArrayList<>();
      records.add(new IptcRecord(IptcTypes.BYLINE, PHOTOGRAPHER));
      records.add(new IptcRecord(IptcTypes.CAPTION_ABSTRACT, "Patient " + PATIENT_NAME + ", naevus left forearm"));
      records.add(new IptcRecord(IptcTypes.OBJECT_NAME, "MRN 0012345"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new JpegIptcRewriter().writeIptc(jpeg, out, new PhotoshopApp13Data(records, new ArrayList<>()));
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JDK's sRGB ICC profile. */
  public static byte[] iccProfile() {
    return ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
  }

  /** The ICC profile as APP2 ICC_PROFILE segments, split into {@code chunks} pieces. */
  public static byte[][] iccSegments(byte[] profile, int chunks) {
    byte[][] segments = new byte[chunks][];
    int per = (profile.length + chunks - 1) / chunks;
    for (int i = 0; i < chunks; i++) {
      int from = i * per;
      int to = Math.min(profile.length, from + per);
      ByteArrayOutputStream p = new ByteArrayOutputStream();
      p.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
      p.write(i + 1);
      p.write(chunks);
      p.write(profile, from, to - from);
      segments[i] = segment(0xE2, p.toByteArray());
    }
    return segments;
  }

  public static byte[] comSegment(String text) {
    return segment(0xFE, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** APP14 Adobe: version 100, flags 0, transform 1 (YCbCr), plus optional appended bytes. */
  public static byte[] adobeSegment(byte[] appended) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes("Adobe".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {0, 100, 0, 0, 0, 0, 1});
    p.writeBytes(appended);
    return segment(0xEE, p.toByteArray());
  }

  /** APP0 JFIF 1.02 with a width x height RGB thumbnail. */
  public static byte[] jfifWithThumbnail(int width, int height) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes("JFIF\0".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {1, 2, 1, 0, 72, 0, 72, (byte) width, (byte) height});
    Random random = new Random(3);
    for (int i = 0; i < width * height * 3; i++) {
      p.write(random.nextInt(256));
    }
    return segment(0xE0, p.toByteArray());
  }

  /** APP0 JFXX extension with a JPEG-coded thumbnail (extension code 0x10). */
  public static byte[] jfxxThumbnail() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes("JFXX\0".getBytes(StandardCharsets.US_ASCII));
    p.write(0x10);
    p.writeBytes(jpeg(noisyImage(8, 8, 11), false, 0));
    return segment(0xE0, p.toByteArray());
  }

  public static byte[] segment(int marker, byte[] payload) {
    int len = payload.length + 2;
    if (len > 0xFFFF) {
      throw new IllegalArgumentException("segment too long: " + len);
    }
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.write(0xFF);
    s.write(marker);
    s.write(len >> 8);
    s.write(len & 0xFF);
    s.writeBytes(payload);
    return s.toByteArray();
  }

  /** Replaces the first APP0 segment (ImageIO's JFIF header) by the given segment. */
  public static byte[] replaceFirstApp0(byte[] jpeg, byte[] replacement) {
    List<JpegStructure.Segment> segments = JpegStructure.segments(jpeg);
    JpegStructure.Segment app0 = segments.stream().filter(s -> s.marker() == 0xE0).findFirst().orElseThrow();
    return concat(slice(jpeg, 0, app0.offset()), replacement, slice(jpeg, app0.end(), jpeg.length));
  }

  /** Inserts the segments right before the first segment that is not APPn (usually DQT). */
  public static byte[] insertBeforeFirstNonApp(byte[] jpeg, byte[]... inserted) {
    List<JpegStructure.Segment> segments = JpegStructure.segments(jpeg);
    JpegStructure.Segment first = segments.stream()
        .filter(s -> s.marker() != 0xD8 && (s.marker() < 0xE0 || s.marker() > 0xEF)).findFirst().orElseThrow();
    return insertAt(jpeg, first.offset(), inserted);
  }

  public static byte[] insertAt(byte[] data, int offset, byte[]... inserted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(data, 0, offset);
    for (byte[] s : inserted) {
      out.writeBytes(s);
    }
    out.write(data, offset, data.length - offset);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- PNG chunks

  public static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  public static byte[] textChunk(String keyword, String text) {
    return chunk("tEXt", concat(latin1(keyword), new byte[] {0}, latin1(text)));
  }

  public static byte[] ztxtChunk(String keyword, String text) {
    return chunk("zTXt", concat(latin1(keyword), new byte[] {0, 0}, deflate(latin1(text))));
  }

  /** iTXt with keyword XML:com.adobe.xmp, uncompressed, carrying an XMP packet. */
  public static byte[] itxtXmpChunk(String xmp) {
    return chunk("iTXt", concat(latin1("XML:com.adobe.xmp"), new byte[] {0, 0, 0, 0, 0},
        xmp.getBytes(StandardCharsets.UTF_8)));
  }

  public static byte[] timeChunk() {
    return chunk("tIME", new byte[] {0x07, (byte) 0xE7, 5, 14, 10, 22, 33});
  }

  public static byte[] gamaChunk() {
    return chunk("gAMA", ByteBuffer.allocate(4).putInt(45455).array());
  }

  public static byte[] iccpChunk(byte[] profile) {
    return chunk("iCCP", concat(latin1("sRGB profile"), new byte[] {0, 0}, deflate(profile)));
  }

  /** eXIf: a little-endian TIFF with IFD0 Orientation and Artist (metadata-extractor reads it as Exif IFD0). */
  public static byte[] exifChunk(int orientation) {
    byte[] artist = concat(latin1(PHOTOGRAPHER), new byte[] {0});
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4 + artist.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    b.putShort((short) 2);
    b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    b.putShort((short) 0x013B).putShort((short) 2).putInt(artist.length).putInt(8 + 2 + 24 + 4);
    b.putInt(0);
    b.put(artist);
    return chunk("eXIf", b.array());
  }

  /** Inserts chunks right after IHDR. */
  public static byte[] insertAfterIhdr(byte[] png, byte[]... chunks) {
    return insertAt(png, 8 + 12 + 13, chunks);
  }

  /** Inserts chunks right before IEND. */
  public static byte[] insertBeforeIend(byte[] png, byte[]... chunks) {
    List<PngStructure.Chunk> list = PngStructure.chunks(png);
    PngStructure.Chunk iend = list.get(list.size() - 1);
    return insertAt(png, iend.offset(), chunks);
  }

  // ---------------------------------------------------------------- bytes

  public static byte[] deflate(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(9))) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] slice(byte[] data, int from, int to) {
    return java.util.Arrays.copyOfRange(data, from, to);
  }

  public static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  public static boolean contains(byte[] haystack, String text) {
    return indexOf(haystack, text.getBytes(StandardCharsets.ISO_8859_1)) >= 0
        || indexOf(haystack, text.getBytes(StandardCharsets.UTF_16BE)) >= 0
        || indexOf(haystack, text.getBytes(StandardCharsets.UTF_16LE)) >= 0;
  }


  /**
   * The image with its header claiming another size (JPEG: the SOF0 frame header; PNG: IHDR, with its
   * CRC made right): a decoder believes it and allocates for that size, while the data stay small.
   */
  public static byte[] declaringSize(byte[] image, int width, int height) {
    byte[] copy = image.clone();
    if ((copy[0] & 0xFF) == 0x89) {
      java.nio.ByteBuffer.wrap(copy, 16, 8).putInt(width).putInt(height);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(copy, 12, 17);
      java.nio.ByteBuffer.wrap(copy, 29, 4).putInt((int) crc.getValue());
      return copy;
    }
    for (int i = 2; i + 8 < copy.length; i++) {
      if ((copy[i] & 0xFF) == 0xFF && (copy[i + 1] & 0xFF) == 0xC0) {
        java.nio.ByteBuffer.wrap(copy, i + 5, 4).putShort((short) height).putShort((short) width);
        return copy;
      }
    }
    throw new IllegalStateException("no SOF0 frame header");
  }
}

package org.dermconsent.deid.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Independent readers used for verification: metadata-extractor for metadata, ImageIO for pixels. */
final class Readers {

  private Readers() {}

  static Metadata metadata(byte[] image) {
    try {
      return ImageMetadataReader.readMetadata(new ByteArrayInputStream(image), image.length);
    } catch (Exception e) {
      throw new IllegalStateException("metadata-extractor could not read the image", e);
    }
  }

  static List<Class<? extends Directory>> directoryTypes(Metadata metadata) {
    List<Class<? extends Directory>> types = new ArrayList<>();
    for (Directory d : metadata.getDirectories()) {
      types.add(d.getClass());
    }
    return types;
  }

  static BufferedImage decode(byte[] image) {
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(image));
      if (img == null) {
        throw new IllegalStateException("ImageIO could not decode the image");
      }
      return img;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every pixel as ARGB, row by row. */
  static int[] argb(byte[] image) {
    BufferedImage img = decode(image);
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  /** The decoded raster's samples (no colour conversion). */
  static int[] rasterSamples(byte[] image) {
    BufferedImage img = decode(image);
    return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
  }
}

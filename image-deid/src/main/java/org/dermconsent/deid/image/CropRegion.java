package org.dermconsent.deid.image;

/**
 * A rectangle of an image in pixels, in the image's <em>displayed</em> orientation (EXIF orientation
 * applied), origin at the top left.
 */
public record CropRegion(int x, int y, int width, int height) {

  public CropRegion {
    if (x < 0 || y < 0) {
      throw new IllegalArgumentException("crop x and y must not be negative");
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("crop width and height must be positive");
    }
  }

  /**
   * Parses {@code "x,y,width,height"} (four non-negative integers; spaces allowed).
   *
   * @throws IllegalArgumentException with a message fit for a client when the text is malformed
   */
  public static CropRegion parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("crop must be x,y,width,height in pixels");
    }
    String[] parts = text.trim().split("\\s*,\\s*");
    if (parts.length != 4) {
      throw new IllegalArgumentException("crop must be x,y,width,height in pixels, e.g. 120,80,640,480");
    }
    int[] v = new int[4];
    for (int i = 0; i < 4; i++) {
      if (!parts[i].matches("\\d{1,6}")) {
        throw new IllegalArgumentException("crop must be x,y,width,height as non-negative whole numbers of pixels");
      }
      v[i] = Integer.parseInt(parts[i]);
    }
    return new CropRegion(v[0], v[1], v[2], v[3]);
  }

  @Override
  public String toString() {
    return x + "," + y + "," + width + "," + height;
  }
}

package dev.sprocket.blender.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Exact image comparison for render tests (Cycles and EEVEE output here is deterministic). */
public final class Pixels {
    private Pixels() {}

    /**
     * Decodes both images (PNG, JPEG, TIFF, BMP, via ImageIO) and compares every sample of every pixel, at the file's
     * own bit depth. Fails naming the file and the first differing pixel.
     */
    public static void assertIdentical(Path expected, Path actual) {
        BufferedImage e = read(expected);
        BufferedImage a = read(actual);
        if (e.getWidth() != a.getWidth() || e.getHeight() != a.getHeight()) {
            throw new AssertionError(actual + " is " + a.getWidth() + "x" + a.getHeight() + " but " + expected + " is "
                    + e.getWidth() + "x" + e.getHeight());
        }
        Raster er = e.getRaster();
        Raster ar = a.getRaster();
        if (er.getNumBands() != ar.getNumBands()) {
            throw new AssertionError(actual + " has " + ar.getNumBands() + " channels but " + expected + " has " + er.getNumBands());
        }
        int bands = er.getNumBands();
        int[] ep = new int[bands];
        int[] ap = new int[bands];
        long differing = 0;
        String first = null;
        for (int y = 0; y < e.getHeight(); y++) {
            for (int x = 0; x < e.getWidth(); x++) {
                er.getPixel(x, y, ep);
                ar.getPixel(x, y, ap);
                if (!java.util.Arrays.equals(ep, ap)) {
                    if (first == null) {
                        first = "pixel (" + x + ", " + y + "): expected " + java.util.Arrays.toString(ep) + ", got "
                                + java.util.Arrays.toString(ap);
                    }
                    differing++;
                }
            }
        }
        if (first != null) {
            throw new AssertionError(actual + " differs from " + expected + " at " + first + " (" + differing + " of "
                    + ((long) e.getWidth() * e.getHeight()) + " pixels differ)");
        }
    }

    /** Decodes an image or fails saying which file could not be read. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) throw new AssertionError("image not found: " + file);
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) throw new AssertionError("cannot decode " + file + " (ImageIO reads PNG, JPEG, TIFF, BMP; not EXR)");
            return img;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
    }
}

package dev.sprocket.core.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Image formats a job may write, with Blender's name and the file extension Blender gives them. */
public enum OutputFormat {
    PNG("PNG", "png"), JPEG("JPEG", "jpg"), OPEN_EXR("OPEN_EXR", "exr"), TIFF("TIFF", "tif");

    private final String blenderName;
    private final String extension;

    OutputFormat(String blenderName, String extension) {
        this.blenderName = blenderName;
        this.extension = extension;
    }

    public String blenderName() { return blenderName; }
    public String extension() { return extension; }

    public static Optional<OutputFormat> fromBlender(String name) {
        return Arrays.stream(values()).filter(f -> f.blenderName.equalsIgnoreCase(name)).findFirst();
    }

    public static OutputFormat parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (t.equals("EXR") || t.equals("OPENEXR")) return OPEN_EXR;
        if (t.equals("JPG")) return JPEG;
        if (t.equals("TIF")) return TIFF;
        return fromBlender(t).orElseThrow(() -> new IllegalArgumentException(
                "unknown format '" + text + "'; use one of PNG, JPEG, OPEN_EXR, TIFF"));
    }

    /** The deterministic output name of one frame: at least 4 digits, like Blender's {@code ####}. */
    public String fileName(int frame) {
        return String.format(Locale.ROOT, "frame_%04d.%s", frame, extension);
    }
}

package org.tatami.cli.report;

import java.nio.charset.StandardCharsets;

/** Text and links placed safely into SVG and HTML (parsed as XML, so the stricter rules of XML apply). */
final class Markup {
    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    private Markup() {
    }

    /**
     * Escapes markup characters, for element text and quoted attribute values alike. Characters XML
     * forbids (most control characters, lone surrogates) become U+FFFD, so a stray byte in a layer name
     * cannot make the whole file unreadable.
     */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        b.append(c).append(text.charAt(++i));
                    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * A relative path ({@code feature_maps/01_conv2d/channel_0.png}) as a link target: every segment
     * percent-encoded, so names with spaces, '#' or '?' still point at their file.
     */
    static String url(String relativePath) {
        StringBuilder b = new StringBuilder();
        for (byte x : relativePath.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if (c == '/' || UNRESERVED.indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}

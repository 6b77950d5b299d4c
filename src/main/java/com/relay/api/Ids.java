package com.relay.api;

import java.util.regex.Pattern;

/**
 * Identifier rules (docs/CONTRACT.md#conventions, docs/CONTRACT.md#endpoints). Checked before any value reaches an S3 key or a DynamoDB key:
 * the patterns admit ASCII letters, digits, {@code _ -} (and {@code .} for file names) only, so
 * {@code ..}, {@code /}, encoded slashes, control characters, non-ASCII and over-long values fail.
 */
public final class Ids {

    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    private static final Pattern UUID_V4 =
            Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    private static final Pattern FILENAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    /** What an error message may repeat of a client's value: printable ASCII without markup or quotes. */
    private static final Pattern SHOWABLE = Pattern.compile("^[A-Za-z0-9._:/+=,;*@ -]{1,64}$");

    private Ids() {}

    /**
     * Text that may contain a client's value (a validation message or path of the config parser):
     * every character outside printable ASCII, and markup and quote characters, become {@code ?};
     * at most 200 characters are kept (issue 17 #15).
     */
    public static String printable(String s) {
        if (s == null) return null;
        StringBuilder out = new StringBuilder(Math.min(s.length(), 201));
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '\\' && c != '`' ? c : '?');
        }
        if (s.length() > 200) out.append('…');
        return out.toString();
    }

    /**
     * A client-supplied value as an error message may echo it: unchanged when short and made only
     * of harmless characters, else {@code (invalid)} (issue 17 #15: error bodies never reflect
     * control characters, markup or megabytes of what was sent).
     */
    public static String shown(String s) {
        return s != null && SHOWABLE.matcher(s).matches() ? s : "(invalid)";
    }

    /** tenant_id, vendor_id, key_id. */
    public static boolean isIdentifier(String s) {
        return s != null && IDENTIFIER.matcher(s).matches();
    }

    /** run_id: lower-case canonical UUID v4 text. */
    public static boolean isRunId(String s) {
        return s != null && UUID_V4.matcher(s).matches();
    }

    /** Inbound upload file name: the pattern, and never {@code .} or {@code ..}. */
    public static boolean isFilename(String s) {
        return s != null && FILENAME.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }
}

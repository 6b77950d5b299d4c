package com.relay.sources;

import java.time.Clock;
import java.util.regex.Pattern;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * Which files of a vendor's directory are candidates (docs/CONFIG_SPEC.md "Vendor sources"): plain
 * files whose name matches {@code file_pattern} (a glob: {@code *} any run of characters, {@code ?}
 * one character, everything else literal) and whose modification time is at least
 * {@code min_age_seconds} ago, so a file the vendor is still writing is skipped. The endpoint sorts
 * the candidates {@link #NEWEST_FIRST} and takes the first.
 */
final class NewestFileFilter<T> implements GenericFileFilter<T> {

    /** Newest first; on equal times the greater name first (inventory_20260102 before inventory_20260101). */
    @SuppressWarnings("rawtypes")
    static final java.util.Comparator<GenericFile> NEWEST_FIRST = (a, b) -> {
        int byTime = Long.compare(b.getLastModified(), a.getLastModified());
        return byTime != 0 ? byTime : String.valueOf(b.getFileNameOnly()).compareTo(String.valueOf(a.getFileNameOnly()));
    };

    private final Pattern name;
    private final long minAgeMillis;
    private final Clock clock;

    /**
     * @param minAgeMillis the minimum age, already including any allowance for a server's coarse
     *                     timestamps (FTP LIST has minutes, see {@link RemoteFileEndpoints})
     */
    NewestFileFilter(String glob, long minAgeMillis, Clock clock) {
        this.name = globToRegex(glob);
        this.minAgeMillis = minAgeMillis;
        this.clock = clock;
    }

    @Override
    public boolean accept(GenericFile<T> file) {
        return !file.isDirectory() && accepts(file.getFileNameOnly(), file.getLastModified());
    }

    boolean accepts(String fileName, long lastModifiedMillis) {
        if (fileName == null || !name.matcher(fileName).matches()) return false;
        // an unknown time (0) is not "old": we cannot tell the file is complete
        return lastModifiedMillis > 0 && lastModifiedMillis <= clock.millis() - minAgeMillis;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : (glob == null ? "*" : glob).toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}

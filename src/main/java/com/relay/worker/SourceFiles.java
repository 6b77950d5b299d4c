package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.config.RelaySettings;
import com.relay.engine.EngineFailure;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.VendorInput;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * What every vendor source route does with the file it found (docs/ROUTES.md "Adding a vendor
 * source"): its transport step leaves the file's stream as the body and describes it in exchange
 * properties ({@link #NAME}, {@link #SIZE}, {@link #MODIFIED}, {@link #MANIFEST}); then
 * {@link #spool} writes it to the run's work dir (sha256 and length counted, a short read is an
 * error, never a silently truncated feed), the route stores that file as the run's inbound copy
 * ({@code direct:put-run-artifacts}) and {@link #stored} hands it to the engine, which parses the
 * spooled file. {@link #nothingFound} and {@link #refused} are the other ends of a source route.
 * A file over INBOUND_MAX_BYTES is not stored: the run fails with
 * {@code SOURCE_FILE_TOO_LARGE} (the route stores only when {@link #SPOOLED} is set).
 */
@Component("sourceFiles")
public class SourceFiles {

    /** File name as the source calls it (last path segment). */
    public static final String NAME = "relaySourceName";
    /** Bytes the source announced ({@code Long}), or absent / -1 when it did not. */
    public static final String SIZE = "relaySourceSize";
    /** Modification time: {@code Instant}, {@code java.util.Date} or epoch milliseconds. */
    public static final String MODIFIED = "relaySourceModified";
    /** The manifest fields of the source ({@code Map<String, Object>}: host, path or url, email's message id…). */
    public static final String MANIFEST = "relaySourceManifest";
    /** Bytes stored for the vendor (set by {@link #spool}). */
    static final String STORED_BYTES = "relaySourceStoredBytes";
    /** Set by {@link #spool} when the file is in the work dir and queued for the store. */
    public static final String SPOOLED = "relaySourceSpooled";

    /** A stored file name: what the source called it, if it is a plain, short name. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,199}");

    private final long maxBytes;

    public SourceFiles(RelaySettings settings) {
        this.maxBytes = settings.api().inboundMaxBytes();
    }

    /** The body (the source's stream) to a file in the work dir: sha256, length, the announced length checked. */
    public void spool(Exchange exchange) throws IOException {
        RunAttempt a = RunStages.attempt(exchange);
        VendorFetch fetch = exchange.getProperty(RunInputs.FETCH, VendorFetch.class);
        String vendor = fetch.getVendorId();
        long announced = exchange.getProperty(SIZE, -1L, Long.class);
        exchange.removeProperty(SPOOLED);
        if (announced > maxBytes) {
            // not read at all: the transfer is closed at once, not left for the source route to drain
            try (InputStream unread = exchange.getMessage().getBody(InputStream.class)) {
                tooLarge(exchange, announced);
            }
            return;
        }
        Path file = Files.createTempFile(a.workDir, "source-" + vendor + "-", ".feed");
        MessageDigest sha = sha256();
        long total = 0;
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class);
             OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) break;
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a connection that drops mid-file: retried, never a short feed
            throw new SourceUnavailableException(vendor, "the download failed after " + total + " bytes", e);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IllegalStateException("the source route of " + vendor + " left no stream as the body", e);
        }
        // the stream is read and closed: a later route (direct:put-run-artifacts) must not find it as the
        // body, its stream caching would read the closed stream and fail the fetch
        exchange.getMessage().setBody(fetch);
        if (total > maxBytes) {
            Files.delete(file);
            tooLarge(exchange, total);
            return;
        }
        if (announced >= 0 && total != announced) {
            throw new SourceUnavailableException(vendor, "received " + total + " of " + announced + " bytes", null);
        }
        String name = storedName(exchange.getProperty(NAME, String.class));
        exchange.setProperty(SPOOLED, new Spooled(file, name, total, HexFormat.of().formatHex(sha.digest())));
        exchange.setProperty(STORED_BYTES, total);
        // the run copy is a second name of the spooled file: the put deletes that name, the parse reads the file
        Path copy = file.resolveSibling(file.getFileName() + ".put");
        try {
            Files.createLink(copy, file);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, copy);
        }
        a.pending.putFile(a.execution.inboundKey(vendor, name), "application/octet-stream", copy);
    }

    /** The run copy is stored: the engine gets the vendor as found, its manifest entry, the spooled file. */
    public void stored(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        VendorFetch fetch = exchange.getProperty(RunInputs.FETCH, VendorFetch.class);
        Spooled s = exchange.getProperty(SPOOLED, Spooled.class);
        Map<String, Object> manifest = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> source = exchange.getProperty(MANIFEST, Map.class);
        if (source != null) manifest.putAll(source);
        manifest.put("file_name", s.name());
        manifest.put("size", s.size());
        Instant modified = modified(exchange.getProperty(MODIFIED));
        manifest.put("last_modified", modified == null ? null : Timestamps.format(modified));
        manifest.put("sha256", s.sha256());
        a.execution.resolveInput(a.execution.pendingInput(fetch.getVendorId()).fetched(
                () -> Files.newInputStream(s.file()), s.name(), s.size(), "application/octet-stream", manifest, s.file()));
        exchange.getMessage().setBody(fetch);
    }

    /** Nothing at the source matches: a missing vendor (required ones fail the run once every vendor is done). */
    public void nothingFound(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        VendorFetch fetch = exchange.getProperty(RunInputs.FETCH, VendorFetch.class);
        a.execution.resolveInput(VendorInput.missing(fetch.getVendorId(), SourceErrors.NO_MATCHING_FILE));
        exchange.setProperty(STORED_BYTES, 0L);
        exchange.getMessage().setBody(fetch);
    }

    /**
     * A source route threw {@link SourceRefusedException} (the fetch split's {@code fetch-vendor-refused}
     * step): the run fails with its code once every vendor is done, no retry.
     */
    public void refused(Exchange exchange) {
        SourceRefusedException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, SourceRefusedException.class);
        RunAttempt a = RunStages.attempt(exchange);
        VendorFetch fetch = exchange.getProperty(RunInputs.FETCH, VendorFetch.class);
        a.execution.sourceFailed(fetch.getVendorId(), new EngineFailure(e.code(), EngineRun.FETCH_INPUTS, e.getMessage(),
                fetch.getVendorId()));
        exchange.setProperty(STORED_BYTES, 0L);
        exchange.getMessage().setBody(fetch);
    }

    private void failRun(Exchange exchange, String code, String what) {
        RunAttempt a = RunStages.attempt(exchange);
        VendorFetch fetch = exchange.getProperty(RunInputs.FETCH, VendorFetch.class);
        a.execution.sourceFailed(fetch.getVendorId(), new EngineFailure(code, EngineRun.FETCH_INPUTS,
                code + ": vendor " + fetch.getVendorId() + ": " + what, fetch.getVendorId()));
        exchange.setProperty(STORED_BYTES, 0L);
        exchange.getMessage().setBody(fetch);
    }

    /** Larger than an upload may be: the run fails (a retry would fetch the same file); nothing is stored. */
    private void tooLarge(Exchange exchange, long bytes) {
        failRun(exchange, SourceErrors.FILE_TOO_LARGE, "the file has more than " + maxBytes
                + " bytes (INBOUND_MAX_BYTES=" + maxBytes + "): at least " + bytes);
    }

    /** The source's name if it is plain, else {@code feed}: the name ends up in an S3 key and a file name. */
    static String storedName(String name) {
        if (name == null) return "feed";
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return PLAIN_NAME.matcher(last).matches() && !last.contains("..") ? last : "feed";
    }

    static Instant modified(Object value) {
        if (value instanceof Instant i) return i;
        if (value instanceof java.util.Date d) return d.toInstant();
        if (value instanceof Number n && n.longValue() > 0) return Instant.ofEpochMilli(n.longValue());
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Spooled(Path file, String name, long size, String sha256) { }
}

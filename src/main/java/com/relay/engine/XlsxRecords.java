package com.relay.engine;

import com.github.pjfanning.poi.xssf.streaming.SharedStringsTableBase;
import com.github.pjfanning.xlsx.StreamingReader;
import com.github.pjfanning.xlsx.XmlUtils;
import com.github.pjfanning.xlsx.exceptions.MissingSheetException;
import com.github.pjfanning.xlsx.impl.PoiSharedStringsSupport;
import com.github.pjfanning.xlsx.impl.ooxml.OoxmlReader;
import com.relay.tenants.config.TenantConfig;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.events.XMLEvent;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.MultiReadOnlySeekableByteChannel;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.openxml4j.opc.ZipPackagePart;
import org.apache.poi.openxml4j.opc.internal.ZipHelper;
import org.apache.poi.openxml4j.util.ZipFileZipEntrySource;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.util.DefaultTempFileCreationStrategy;
import org.apache.poi.util.TempFile;
import org.apache.poi.util.TempFileCreationStrategy;
import org.apache.poi.xssf.model.SharedStringsTable;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * An xlsx feed (docs/ENGINE.md#vendor-file-formats), read over Apache POI: the upload is spooled to a
 * file in the run's work directory (a feed of at most {@link #MAX_HELD_BYTES} is held in memory
 * instead when its package is of the usual shape, see {@link #openHeld}), the workbook, its sheets
 * and its shared-strings table are opened as excel-streaming-reader opens them (the table lives in a
 * temp file there too), and the sheet's XML is read one row at a time by {@link XlsxSheetRows}, so
 * neither a large file nor its strings are held in memory. POI's zip-bomb guards apply (an entry
 * inflating more than {@value #MIN_INFLATE_RATIO_DENOMINATOR} times its compressed size, or past
 * {@link #MAX_ENTRY_SIZE} bytes). A file that is not an xlsx, a bomb, a missing sheet fail the
 * vendor with {@code XLSX_PARSE_ERROR}.
 *
 * <p>Cells become the text the same data has in a csv: strings as they are, numbers as the shortest
 * decimal of the stored double without exponent or a trailing {@code .0} ({@code 3}, {@code 12.5}),
 * a number in the updated_at column as the date it is in Excel's date system, written
 * {@code yyyy-MM-dd HH:mm:ss} (Excel dates have no zone: like every updated_at cell, read as UTC,
 * docs/CONTRACT.md#row-parsing-and-row-errors; rounded to the second), booleans {@code TRUE}/{@code FALSE}, error values as Excel shows them
 * ({@code #N/A}), formulas as their cached result. Rows keep their sheet numbers (header_row 1 → the
 * first data row is row 2); rows without a non-blank cell are skipped, like empty csv lines.
 */
final class XlsxRecords implements FeedRecords {
    static final String ERROR_CODE = "XLSX_PARSE_ERROR";
    /** An entry inflating to more than 100x its compressed size is taken for a zip bomb (POI's default, made explicit). */
    static final int MIN_INFLATE_RATIO_DENOMINATOR = 100;
    /** The largest inflated entry (a sheet's XML) read: 4 GiB, POI's default, made explicit. */
    static final long MAX_ENTRY_SIZE = 0xFFFFFFFFL;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /**
     * Where POI's temp files (the shared-strings store) go while this thread makes a store, and the
     * ones it made there: a store that fails while it reads its part never gets to delete its own.
     */
    private record PoiTempFiles(Path dir, List<Path> made) {}

    private static final ThreadLocal<PoiTempFiles> TEMP_DIR = new ThreadLocal<>();

    static {
        ZipSecureFile.setMinInflateRatio(1.0 / MIN_INFLATE_RATIO_DENOMINATOR);
        ZipSecureFile.setMaxEntrySize(MAX_ENTRY_SIZE);
        TempFileCreationStrategy fallback = new DefaultTempFileCreationStrategy();
        TempFile.setTempFileCreationStrategy(new TempFileCreationStrategy() {
            @Override
            public File createTempFile(String prefix, String suffix) throws IOException {
                PoiTempFiles temp = TEMP_DIR.get();
                if (temp == null) return fallback.createTempFile(prefix, suffix);
                Path file = Files.createTempFile(temp.dir(), "relay-poi-" + prefix, suffix);
                temp.made().add(file);
                return file.toFile();
            }

            @Override
            public File createTempDirectory(String prefix) throws IOException {
                PoiTempFiles temp = TEMP_DIR.get();
                if (temp == null) return fallback.createTempDirectory(prefix);
                Path dir = Files.createTempDirectory(temp.dir(), "relay-poi-" + prefix);
                temp.made().add(dir);
                return dir.toFile();
            }
        });
    }

    private final String vendorId;
    private final Path spooled;
    private final OPCPackage pkg;
    /** Where POI's temp files go: the run's work directory. */
    private final Path tempDir;
    /** The shared-strings store; null until a cell needs it when the workbook has no sharedStrings part. */
    private SharedStringsTable sst;
    /**
     * The spooled file opened once more for {@link XlsxSheetStream}, or the held feed's zip (null: the
     * sheet is read through POI only).
     */
    private final ZipFile sheetZip;
    /** A held feed's file, written only if POI's stream of the sheet is needed (null: the feed was spooled at open). */
    private final HeldSpool heldSpool;
    private final XlsxSheetRows sheetRows;
    private final boolean use1904Dates;
    private final int headerIndex;
    private final CsvRecordReader rows;
    /** The source name of updated_at (column_map or its own name), and its column once the header is read. */
    private final String updatedAtName;
    private int dateColumn = -1;
    /** A numeric cell's text written by {@link XlsxNumbers#plainDecimal}. */
    private final char[] numberText = new char[XlsxNumbers.MAX_PLAIN_LENGTH];
    private int headerSize;
    /** The sheet reader is at a row not yet laid out (the one after an empty header row). */
    private boolean pending;

    private XlsxRecords(String vendorId, Path spooled, Path tempDir, OPCPackage pkg, SharedStringsTable sst, ZipFile sheetZip,
                        HeldSpool heldSpool, XlsxSheetRows sheetRows, boolean use1904Dates, int headerIndex, String updatedAtName) {
        this.sheetZip = sheetZip;
        this.heldSpool = heldSpool;
        this.vendorId = vendorId;
        this.updatedAtName = updatedAtName;
        this.spooled = spooled;
        this.tempDir = tempDir;
        this.pkg = pkg;
        this.sst = sst;
        this.sheetRows = sheetRows;
        this.use1904Dates = use1904Dates;
        this.headerIndex = headerIndex;
        this.rows = CsvRecordReader.rowStore(vendorId);
    }

    static XlsxRecords open(InputStream feed, TenantConfig.Parser parser, String vendorId, Path workDir)
            throws IOException, EngineFailure {
        Path dir = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
        // a read failure of the feed itself stays an IOException (retryable, like any fetch)
        Held held = hold(feed);
        Path spooled;
        XlsxRecords fromMemory = null;
        try {
            if (held.whole()) {
                fromMemory = openHeld(held, parser, vendorId, dir);
                if (fromMemory != null) return fromMemory; // it owns the held feed now, and gives it back when closed
            }
            spooled = Files.createTempFile(dir, "relay-feed-", ".xlsx");
            try {
                spool(held, feed, spooled);
            } catch (IOException e) {
                Files.deleteIfExists(spooled);
                throw e;
            }
        } finally {
            if (fromMemory == null) held.release(); // spooled or failed: nothing reads it any more (openHeld closed all it opened)
        }
        OPCPackage pkg = null;
        SharedStringsTable sst = null;
        ZipSecureFile sheetZip = null;
        XlsxSheetRows sheetRows = null; // closed on a failure below: it may have started the inflating thread
        try {
            if (Files.size(spooled) == 0) throw failure(vendorId, "the file is empty");
            sheetZip = openZip(spooled);
            int headerRow = parser.headerRow() == null ? 1 : parser.headerRow();
            String updatedAt = updatedAtName(parser);
            StreamingReader.Builder builder = StreamingReader.builder().setEncryptSstTempFile(false);
            // the usual package is read without POI's package code (docs/PERFORMANCE.md#xlsx-opening-the-package-without-poi)
            XlsxPackage usual = sheetZip == null ? null : XlsxPackage.read(sheetZip);
            if (usual != null) return openUsual(sheetZip, usual, parser, vendorId, dir, spooled, null, sheetZip::getInputStream);
            // one zip for the package and the sheet's fast inflater (docs/PERFORMANCE.md#vendor-file-formats-issue-20);
            // a file it does not open goes the way it always went, so its error is POI's own
            pkg = sheetZip != null ? OPCPackage.open(new ZipFileZipEntrySource(sheetZip))
                    : OPCPackage.open(spooled.toFile(), PackageAccess.READ);
            OoxmlReader workbook = new OoxmlReader(builder, pkg, pkg.isStrictOoxmlFormat());
            Document workbookXml;
            try (InputStream in = workbook.getWorkbookData()) {
                workbookXml = XmlUtils.readDocument(in);
            }
            List<Element> workbookPr = workbookElements(workbookXml, "workbookPr");
            Node date1904 = workbookPr.isEmpty() ? null : workbookPr.get(0).getAttributes().getNamedItem("date1904");
            boolean use1904 = date1904 != null && XmlUtils.evaluateBoolean(date1904.getTextContent());
            List<PackagePart> sharedStringsParts = pkg.getPartsByContentType(XSSFRelation.SHARED_STRINGS.getContentType());
            if (!sharedStringsParts.isEmpty() && !noStrings(sharedStringsParts.get(0)::getInputStream)) {
                OPCPackage opened = pkg;
                sst = sharedStrings(dir, () -> PoiSharedStringsSupport.createTempFileSharedStringsTable(opened, builder));
            } // else the same empty store is made by the first shared-string cell, if any (sharedStrings())
            PackagePart sheet = sheet(workbook, sheetNames(workbookXml), parser, vendorId);
            if (sheet instanceof ZipPackagePart zipPart && zipPart.getZipArchive() != null) {
                // the same entry through a faster inflater; POI's stream stays the StAX parser's (XlsxSheetStream)
                if (sheetZip == null) sheetZip = new ZipSecureFile(spooled.toFile());
                ZipArchiveEntry entry = sheetZip.getEntry(zipPart.getZipArchive().getName());
                ZipSecureFile zip = sheetZip;
                sheetRows = XlsxSheetRows.open(() -> {
                    InputStream fast = entry == null ? null : sheetBytes(zip, entry, vendorId);
                    return fast != null ? fast : sheet.getInputStream();
                }, sheet::getInputStream, vendorId);
            } else {
                sheetRows = XlsxSheetRows.open(sheet::getInputStream, sheet::getInputStream, vendorId);
            }
            return new XlsxRecords(vendorId, spooled, dir, pkg, sst, sheetZip, null, sheetRows, use1904, headerRow - 1, updatedAt);
        } catch (EngineFailure f) {
            closeQuietly(sheetRows, sst, sheetZip, pkg, spooled, null);
            throw f;
        } catch (Exception e) {
            closeQuietly(sheetRows, sst, sheetZip, pkg, spooled, null);
            throw failure(vendorId, describe(e));
        }
    }

    /**
     * The largest feed held in memory rather than spooled to a file (a zip is read by seeking, so it
     * is either): a feed of a few MiB, as most vendors' exports are, costs no file written, opened
     * and deleted (docs/PERFORMANCE.md#xlsx-a-small-feed-held-in-memory). One such feed per vendor
     * being parsed, beside the reader's 6 MiB of buffers; its chunks are kept for the next feed
     * ({@link XlsxBufferPool}).
     */
    static final int MAX_HELD_BYTES = 8 << 20;

    /**
     * The feed's first bytes in {@link #HELD_CHUNK} arrays, the last one cut to its length: all of
     * them ({@code whole}) when it has at most {@link #MAX_HELD_BYTES}, else at least that many (the
     * rest is still in the feed).
     * Chunks rather than one array: an array of a few MiB is a humongous object to G1, placed in
     * regions the process may never have touched, and faulting in 4 MiB took 10-13 ms in the
     * benchmark JVM (docs/PERFORMANCE.md#xlsx-a-small-feed-held-in-memory); chunks come from eden.
     */
    private record Held(List<byte[]> chunks, boolean whole) {
        /** The bytes as one seekable channel, for the zip. */
        SeekableByteChannel channel() {
            SeekableByteChannel[] channels = new SeekableByteChannel[chunks.size()];
            for (int i = 0; i < channels.length; i++) channels[i] = new SeekableInMemoryByteChannel(chunks.get(i));
            return MultiReadOnlySeekableByteChannel.forSeekableByteChannels(channels);
        }

        void writeTo(OutputStream out) throws IOException {
            for (byte[] chunk : chunks) out.write(chunk);
        }

        /** The whole chunks back to {@link #HELD_CHUNKS}: nothing reads them after this. */
        void release() {
            for (byte[] chunk : chunks) {
                if (chunk.length == HELD_CHUNK) HELD_CHUNKS.giveBack(chunk);
            }
            chunks.clear();
        }
    }

    /** A chunk of a held feed; also the most asked of the feed a call (a file channel reads a heap array through a direct buffer of that size). */
    private static final int HELD_CHUNK = 1 << 18;
    /** A held feed's chunks kept for the next feed: as many as one feed of {@link #MAX_HELD_BYTES} holds (see XlsxBufferPool). */
    private static final XlsxBufferPool<byte[]> HELD_CHUNKS = new XlsxBufferPool<>(MAX_HELD_BYTES / HELD_CHUNK, () -> new byte[HELD_CHUNK]);

    /** How many held chunks are kept for the next feed (tests). */
    static int heldChunksKept() { return HELD_CHUNKS.idle(); }

    /** The feed read into chunks from {@link #HELD_CHUNKS} ({@link Held#release} gives them back). */
    private static Held hold(InputStream feed) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long length = 0;
        while (true) {
            byte[] chunk = HELD_CHUNKS.take();
            int filled = feed.readNBytes(chunk, 0, chunk.length);
            length += filled;
            if (filled < chunk.length) {
                if (filled > 0 || chunks.isEmpty()) chunks.add(Arrays.copyOf(chunk, filled));
                HELD_CHUNKS.giveBack(chunk);
                return new Held(chunks, length <= MAX_HELD_BYTES); // all read, but a little more than may be held
            }
            chunks.add(chunk);
            if (length > MAX_HELD_BYTES) return new Held(chunks, false);
        }
    }

    /**
     * A feed held in memory, when POI would open it as a zip and its package is of the usual shape
     * ({@link XlsxPackage}): read as the spooled file of the same bytes is read, its parts through
     * {@link XlsxSheetStream} (POI's zip-bomb limits on the inflater's counts). Null, with nothing left
     * open, for any other feed and at any failure before the sheet is read (a broken shared-strings
     * part, say): the caller spools it and reads it the way it always did, so what fails, fails with
     * POI's message. A missing sheet is the same failure either way. The StAX parser, if it takes over
     * the sheet, reads POI's stream of a file the feed is then written to ({@link HeldSpool}).
     */
    private static XlsxRecords openHeld(Held held, TenantConfig.Parser parser, String vendorId, Path dir) throws EngineFailure {
        if (FileMagic.valueOf(held.chunks().get(0)) != FileMagic.OOXML) return null;
        ZipFile zip = null;
        HeldSpool spool = new HeldSpool(held, dir);
        try {
            zip = ZipFile.builder().setSeekableByteChannel(held.channel()).get();
            XlsxPackage usual = namesAsPoiChecks(zip) ? XlsxPackage.read(zip) : null;
            if (usual == null) {
                zip.close();
                return null;
            }
            return openUsual(zip, usual, parser, vendorId, dir, null, spool, entry -> spool.poiStream(entry.getName()));
        } catch (EngineFailure f) {
            closeQuietly(null, null, zip, null, null, spool);
            throw f;
        } catch (Exception failed) {
            closeQuietly(null, null, zip, null, null, spool);
            return null; // the spooled file's way says what is wrong, in POI's words
        } catch (Error error) {
            closeQuietly(null, null, zip, null, null, spool);
            throw error;
        }
    }

    /** POI's stream of a zip entry (its zip-bomb guards and messages), for the StAX parser when it takes over a sheet. */
    private interface PoiStream {
        InputStream open(ZipArchiveEntry entry) throws IOException;
    }

    /**
     * The reader of a package of the usual shape ({@link XlsxPackage}), from the spooled file's zip or
     * a held feed's: its sheet and shared strings found, the sheet's bytes read through the fast
     * inflater, and {@code poi}'s stream of it for the StAX parser if it takes over. The caller closes
     * the zip (and the held feed's spool) when this fails; the shared-strings store is closed here.
     */
    private static XlsxRecords openUsual(ZipFile zip, XlsxPackage usual, TenantConfig.Parser parser, String vendorId, Path dir,
                                         Path spooled, HeldSpool heldSpool, PoiStream poi)
            throws IOException, XMLStreamException, EngineFailure {
        ZipArchiveEntry entry = usual.sheetEntries.get(sheetIndex(usual.sheetNames, parser, vendorId));
        ZipArchiveEntry strings = usual.sharedStrings;
        SharedStringsTable sst = null;
        if (strings != null && !noStrings(() -> XlsxSheetStream.checked(zip, strings))) {
            sst = sharedStrings(dir, () -> sharedStringsFrom(() -> XlsxSheetStream.checked(zip, strings),
                    StreamingReader.builder().setEncryptSstTempFile(false)));
        }
        XlsxSheetRows sheetRows;
        try {
            sheetRows = XlsxSheetRows.open(() -> {
                InputStream fast = sheetBytes(zip, entry, vendorId);
                return fast != null ? fast : poi.open(entry);
            }, () -> poi.open(entry), vendorId);
        } catch (IOException | XMLStreamException | RuntimeException | Error notOpened) {
            closeQuietly(null, sst, null, null, null, null);
            throw notOpened;
        }
        int headerRow = parser.headerRow() == null ? 1 : parser.headerRow();
        return new XlsxRecords(vendorId, spooled, dir, null, sst, zip, heldSpool, sheetRows, usual.date1904, headerRow - 1,
                updatedAtName(parser));
    }

    /** The names POI's ZipSecureFile rejects on opening: an empty one, or two the same without regard to case. */
    private static boolean namesAsPoiChecks(ZipFile zip) {
        Set<String> seen = new HashSet<>();
        for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
            String name = entry.getName();
            if (name == null || name.isEmpty() || !seen.add(name.toLowerCase(Locale.ROOT))) return false;
        }
        return true;
    }

    /**
     * A held feed's bytes as a file in the run's work directory, written the first time POI's stream
     * of an entry is asked for (the StAX parser taking over the sheet), and deleted with the reader.
     */
    private static final class HeldSpool {
        private final Held held;
        private final Path dir;
        private Path file;
        private ZipSecureFile zip;

        HeldSpool(Held held, Path dir) {
            this.held = held;
            this.dir = dir;
        }

        /** POI's stream of the entry (its zip-bomb guards and messages), as the spooled feed gives it. */
        InputStream poiStream(String entryName) throws IOException {
            if (zip == null) {
                if (file == null) {
                    file = Files.createTempFile(dir, "relay-feed-", ".xlsx");
                    try (OutputStream out = Files.newOutputStream(file)) {
                        held.writeTo(out);
                    }
                }
                zip = ZipHelper.openZipFile(file.toFile());
            }
            ZipArchiveEntry entry = zip.getEntry(entryName);
            if (entry == null) throw new IOException("no entry " + entryName);
            return zip.getInputStream(entry);
        }

        void close() {
            try {
                if (zip != null) zip.close();
            } catch (IOException ignored) {
                // the file is in the run's work directory, removed with the run
            }
            if (file != null) deleteQuietly(file);
        }
    }

    /**
     * The sheet entry's bytes as the byte reader reads them: inflated on a thread of their own
     * ({@link XlsxInflateAhead}), scanned into rows on another ({@link XlsxRowsAhead}) and laid out on
     * the feed's thread; null for an entry compressed another way (the caller then reads POI's stream).
     */
    private static InputStream sheetBytes(ZipFile zip, ZipArchiveEntry entry, String vendorId) throws IOException {
        InputStream fast = XlsxSheetStream.open(zip, entry);
        return fast instanceof XlsxSheetStream ? XlsxInflateAhead.start(fast, vendorId) : fast;
    }

    /** The shared-strings store of a package read without POI's package code, filled from its part as POI's own constructor fills it. */
    private static SharedStringsTable sharedStringsFrom(PartStream part, StreamingReader.Builder builder) throws IOException {
        SharedStringsTable store = PoiSharedStringsSupport.createTempFileSharedStringsTable(builder);
        try (InputStream in = part.open()) {
            ((SharedStringsTableBase) store).readFrom(in);
            return store;
        } catch (IOException | RuntimeException | Error failed) {
            store.close();
            throw failed;
        }
    }

    /**
     * Copies the feed into the spool file 256 KiB a call: Files.copy writes 8 KiB a call, which took
     * twice as long, a tenth of the open of a 4 MB workbook (docs/PERFORMANCE.md#xlsx-the-rows-read-on-a-thread-of-their-own).
     */
    private static void spool(Held held, InputStream feed, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            held.writeTo(out);
            if (held.whole()) return;
            byte[] buffer = new byte[SPOOL_BUFFER];
            for (int n; (n = feed.read(buffer)) >= 0; ) out.write(buffer, 0, n);
        }
    }

    /** The source name of updated_at: its column_map entry, or its own name. */
    private static String updatedAtName(TenantConfig.Parser parser) {
        return parser.columnMap() == null ? "updated_at" : parser.columnMap().getOrDefault("updated_at", "updated_at");
    }

    /** The sheet of a package read by {@link XlsxPackage}: by name, the first without regard to case (as OoxmlReader finds it), or index. */
    private static int sheetIndex(List<String> names, TenantConfig.Parser parser, String vendorId) throws EngineFailure {
        return sheetIndex(names, parser, vendorId, name -> {
            for (int i = 0; i < names.size(); i++) {
                if (name.equalsIgnoreCase(names.get(i))) return i;
            }
            throw new MissingSheetException(name);
        });
    }

    private static final int SPOOL_BUFFER = 1 << 18;

    /**
     * The spooled file as POI's package opens it (its zip checks and limits), or null when that fails:
     * the caller then opens the package by its file, which reports the failure as it always did.
     */
    private static ZipSecureFile openZip(Path spooled) {
        try {
            return ZipHelper.openZipFile(spooled.toFile());
        } catch (IOException | RuntimeException notAZip) {
            return null;
        }
    }

    /**
     * Whether the sharedStrings part is well-formed and holds no string (what POI's writers leave in an
     * inlineStr workbook), read as the store reads it; anything else (a string, an error) is left
     * to the store, which reads it as it always did.
     */
    private static boolean noStrings(PartStream part) {
        try (InputStream in = part.open()) {
            XMLEventReader events = XlsxPackage.XML.createXMLEventReader(in);
            try {
                while (events.hasNext()) {
                    XMLEvent event = events.nextEvent();
                    if (event.isStartElement() && event.asStartElement().getName().getLocalPart().equals("si")) return false;
                }
            } finally {
                events.close();
            }
            return true;
        } catch (IOException | XMLStreamException | RuntimeException notRead) {
            return false;
        }
    }

    /** Makes a shared-strings store, its temp file in {@code dir} (the run's work directory). */
    private static SharedStringsTable sharedStrings(Path dir, SharedStringsFactory factory) throws IOException {
        PoiTempFiles temp = new PoiTempFiles(dir, new ArrayList<>());
        TEMP_DIR.set(temp);
        try {
            return factory.create();
        } catch (IOException | RuntimeException | Error failed) {
            // a broken part: the store was never returned, so nothing else would delete its file
            for (Path made : temp.made()) deleteQuietly(made);
            throw failed;
        } finally {
            TEMP_DIR.remove();
        }
    }

    private static void deleteQuietly(Path path) {
        try (java.util.stream.Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the run's work directory is removed with the run
        }
    }

    private interface PartStream {
        InputStream open() throws IOException;
    }

    private interface SharedStringsFactory {
        SharedStringsTable create() throws IOException;
    }

    /** The sheets' names in workbook order, as the workbook lists them. */
    private static List<String> sheetNames(Document workbookXml) {
        List<String> names = new ArrayList<>();
        for (Element sheet : workbookElements(workbookXml, "sheets", "sheet")) {
            Node name = sheet.getAttributes().getNamedItem("name");
            names.add(name == null ? "" : name.getTextContent());
        }
        return names;
    }

    private static final String[] SPREADSHEET_NAMESPACES = {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"};

    /**
     * The elements at {@code /workbook/<path...>} in document order, in the transitional namespace or,
     * when none is there, the strict one: what excel-streaming-reader's XPath {@code /ss:workbook/ss:...}
     * finds, walked without an XPath engine (looking one up took 2-5 ms per call, per feed).
     */
    static List<Element> workbookElements(Document workbookXml, String... path) {
        for (String namespace : SPREADSHEET_NAMESPACES) {
            Element root = workbookXml.getDocumentElement();
            List<Element> level = new ArrayList<>();
            if (root != null && namespace.equals(root.getNamespaceURI()) && "workbook".equals(root.getLocalName())) level.add(root);
            for (String name : path) {
                List<Element> next = new ArrayList<>();
                for (Element parent : level) {
                    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
                        if (child instanceof Element e && namespace.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                            next.add(e);
                        }
                    }
                }
                level = next;
            }
            if (!level.isEmpty()) return level;
        }
        return List.of();
    }

    private static PackagePart sheet(OoxmlReader workbook, List<String> names, TenantConfig.Parser parser, String vendorId)
            throws EngineFailure, MissingSheetException {
        int index = sheetIndex(names, parser, vendorId, workbook::getSheetIndex); // case-insensitive, as Excel's names are
        PackagePart part = workbook.getSheetDataAt(index).getSheetPart();
        if (part == null) throw new MissingSheetException("Sheet at index " + index + " is missing");
        return part;
    }

    private interface SheetByName {
        int index(String name) throws MissingSheetException;
    }

    /** The 0-based index of the parser's sheet (by name, or its 1-based index, default 1) among the workbook's {@code names}. */
    private static int sheetIndex(List<String> names, TenantConfig.Parser parser, String vendorId, SheetByName byName)
            throws EngineFailure {
        int count = names.size();
        if (parser.sheetName() != null) {
            try {
                return byName.index(parser.sheetName());
            } catch (MissingSheetException missing) {
                throw failure(vendorId, "no sheet named '" + RowError.clip(parser.sheetName()) + "' (sheets: "
                        + RowError.clip(String.join(", ", names.subList(0, Math.min(count, 20))))
                        + (count > 20 ? ", ..." : "") + ")");
            }
        }
        int oneBased = parser.sheetIndex() == null ? 1 : parser.sheetIndex();
        if (oneBased > count) {
            throw failure(vendorId, "no sheet " + oneBased + ": the workbook has " + count + " sheet" + (count == 1 ? "" : "s"));
        }
        return oneBased - 1;
    }

    @Override
    public CsvRecordReader rows() { return rows; }

    @Override
    public List<String> readHeader() throws EngineFailure {
        try {
            while (sheetRows.next()) {
                if (sheetRows.rowNum() < headerIndex) continue;
                if (sheetRows.rowNum() > headerIndex) {
                    pending = true; // the header row is empty: no columns (as an empty csv header line)
                    return List.of();
                }
                List<String> header = new ArrayList<>();
                layOut();
                for (int i = 0; i < rows.cellCount(); i++) header.add(rows.cell(i));
                dateColumn = header.lastIndexOf(updatedAtName); // the last duplicate is the one read
                headerSize = header.size();
                return header;
            }
            return List.of();
        } catch (XMLStreamException | RuntimeException e) {
            throw failure(vendorId, describe(e));
        }
    }

    @Override
    public boolean nextRecord() throws EngineFailure {
        try {
            while (true) {
                if (pending) {
                    pending = false;
                } else if (!sheetRows.next()) {
                    return false;
                }
                if (layOut()) return true;
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw failure(vendorId, describe(e));
        }
    }

    /** The current sheet row's cells into the row store, gaps as empty cells; false when no cell has a value. */
    private boolean layOut() {
        int inPlace = layOutInPlace();
        if (inPlace >= 0) return inPlace > 0;
        rows.beginRow(sheetRows.rowNum() + 1L);
        int next = 0;
        boolean any = false;
        char[] raw = sheetRows.rawChars();
        for (int i = 0, n = sheetRows.cellCount(); i < n; i++) {
            int column = sheetRows.column(i); // below 16,384 in any workbook: the row store's cell limit
            for (; next < column; next++) rows.addCell("");
            String type = sheetRows.type(i); // one of XlsxSheetRows' type constants when it is a known type
            int start = sheetRows.rawStart(i);
            int length = sheetRows.rawLength(i);
            int plain;
            if (length >= 0 && (type == XlsxSheetRows.INLINE || type == XlsxSheetRows.FORMULA_STRING)) {
                // a string cell's text as it is, copied from the reader's buffer without a String
                any |= length > 0;
                rows.addCell(raw, start, length);
            } else if (length >= 0 && type == XlsxSheetRows.NUMBER && column != dateColumn
                    && (plain = XlsxNumbers.plainPrefix(raw, start, length)) >= 0) {
                any = true;
                rows.addCell(raw, start, plain); // 7.0 is 7: the start of its text, laid out from where it is
            } else if (length >= 0 && type == XlsxSheetRows.NUMBER && column != dateColumn
                    && (plain = XlsxNumbers.plainDecimal(raw, start, length, numberText)) >= 0) {
                any = true;
                rows.addCell(numberText, 0, plain);
            } else {
                String text = text(type, sheetRows.raw(i), column == dateColumn);
                any |= !text.isEmpty();
                rows.addCell(text);
            }
            next = column + 1;
        }
        // trailing blank cells are not stored in a sheet; a csv export of it has them, empty
        for (; next < headerSize; next++) rows.addCell("");
        return any;
    }

    /**
     * The current sheet row laid out where its texts are ({@link CsvRecordReader#beginRowInPlace}),
     * when every cell is a string, a plain number ({@link XlsxNumbers#plainPrefix}, the start of its
     * text) or blank, and the row is within the field and record limits: the same row
     * {@link #layOut} copies, without copying the benchmark's 5 million chars of cell text per feed
     * (docs/PERFORMANCE.md#xlsx-a-small-feed-held-in-memory). 1 when a cell has a value, 0 when none;
     * -1 for any other row, which the caller then lays out by copying (beginning it again).
     */
    private int layOutInPlace() {
        char[] raw = sheetRows.rawChars();
        rows.beginRowInPlace(sheetRows.rowNum() + 1L, raw);
        int next = 0;
        boolean any = false;
        long rowLength = 0;
        for (int i = 0, n = sheetRows.cellCount(); i < n; i++) {
            int column = sheetRows.column(i);
            if (column >= CsvRecordReader.MAX_FIELDS) return -1;
            for (; next < column; next++) rows.addCellInPlace(0, 0);
            String type = sheetRows.type(i);
            int start = sheetRows.rawStart(i);
            int length = sheetRows.rawLength(i);
            if (length < 0) {
                start = 0; // a blank cell (no value): empty, as text() makes it
                length = 0;
            } else if (type == XlsxSheetRows.INLINE || type == XlsxSheetRows.FORMULA_STRING) {
                any |= length > 0;
            } else if (type == XlsxSheetRows.NUMBER && column != dateColumn
                    && (length = XlsxNumbers.plainPrefix(raw, start, length)) >= 0) {
                any = true;
            } else {
                return -1;
            }
            rowLength += length;
            if (length > CsvRecordReader.MAX_FIELD_LENGTH || rowLength > CsvRecordReader.MAX_RECORD_LENGTH) return -1;
            rows.addCellInPlace(start, start + length);
            next = column + 1;
        }
        for (; next < headerSize; next++) rows.addCellInPlace(0, 0);
        return any ? 1 : 0;
    }

    /**
     * A cell as the same data reads in a csv (see the class comment): {@code type} is its
     * {@code t} attribute, {@code raw} its value's text (null: a blank cell); a formula's cached
     * result has the type of the result, so formulas need no case of their own.
     */
    private String text(String type, String raw, boolean dateColumn) {
        if (raw == null) return "";
        return switch (type) {
            case "s" -> raw.isEmpty() ? raw : PoiSharedStringsSupport.getSharedString(sharedStrings(), Integer.parseInt(raw));
            case "inlineStr", "str" -> raw;
            case "n" -> dateColumn ? date(Double.parseDouble(raw)) : number(Double.parseDouble(raw));
            case "d" -> dateColumn ? date(strictDate(raw)) : number(strictDate(raw));
            case "b" -> XmlUtils.evaluateBoolean(raw) ? "TRUE" : "FALSE";
            case "e" -> errorText(raw);
            default -> throw new UnsupportedOperationException("Unsupported cell cell type '" + type + "'");
        };
    }

    /**
     * The workbook's shared strings. A workbook without strings (no sharedStrings part, or an empty
     * one, as inlineStr exports have) gets the empty store excel-streaming-reader gives it only when
     * a cell refers to one, so such a cell fails as it did; the feeds without one skip making a
     * store (an H2 file, 1.5-6 ms per feed, docs/PERFORMANCE.md#vendor-file-formats-issue-20).
     */
    private SharedStringsTable sharedStrings() {
        if (sst == null) {
            try {
                sst = sharedStrings(tempDir, () -> PoiSharedStringsSupport.createTempFileSharedStringsTable(
                        StreamingReader.builder().setEncryptSstTempFile(false)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sst;
    }

    /** An error cell as Excel shows it ({@code #N/A}). */
    private static String errorText(String code) {
        try {
            return FormulaError.forInt(FormulaError.forString(code).getCode()).getString();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Unexpected error code", e);
        }
    }

    /** A strict-OOXML date cell ({@code t="d"}, ISO text) as its Excel serial number. */
    private double strictDate(String iso) {
        LocalDateTime t;
        try {
            t = LocalDateTime.parse(iso);
        } catch (RuntimeException notDateTime) {
            try {
                t = LocalDate.parse(iso).atStartOfDay();
            } catch (RuntimeException notDate) {
                int dot = iso.lastIndexOf('.');
                try {
                    return DateUtil.convertTime(dot >= 0 ? iso.substring(0, dot) : iso);
                } catch (RuntimeException notTime) {
                    throw new IllegalStateException("cannot parse strict format date/time " + iso);
                }
            }
        }
        return DateUtil.getExcelDate(t, use1904Dates);
    }

    /** An Excel date serial (the workbook's 1900 or 1904 system) as the contract's timestamp text. */
    private String date(double serial) {
        LocalDateTime t = DateUtil.getLocalDateTime(serial, use1904Dates).plusNanos(500_000_000L).truncatedTo(ChronoUnit.SECONDS);
        return TIMESTAMP.format(t);
    }

    /** The shortest decimal that reads back as {@code d}, plain, without trailing zeros: 3, 12.5, 0.001. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    @Override
    public void drainInput() throws EngineFailure {
        try {
            while (sheetRows.next()) {
                // only a broken sheet matters here
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw failure(vendorId, describe(e));
        }
    }

    @Override
    public void close() throws IOException {
        closeQuietly(sheetRows, sst, sheetZip, pkg, spooled, heldSpool);
        // the sheet's threads have ended (closing the rows waits for them) and the zip is closed: nothing reads the feed
        if (heldSpool != null) heldSpool.held.release();
    }

    private static void closeQuietly(XlsxSheetRows sheetRows, SharedStringsTable sst, ZipFile sheetZip, OPCPackage pkg,
                                     Path spooled, HeldSpool heldSpool) {
        // the temp files are in the run's work directory, which is removed with the run: a failure to close is left
        try {
            if (sheetRows != null) sheetRows.close();
        } catch (IOException | RuntimeException ignored) {
            // see above
        }
        try {
            if (sst != null) sst.close();
        } catch (Exception ignored) {
            // see above
        }
        try {
            if (sheetZip != null) sheetZip.close();
        } catch (IOException ignored) {
            // see above
        }
        try {
            if (pkg != null) pkg.revert();
        } catch (RuntimeException ignored) {
            // see above
        }
        if (heldSpool != null) heldSpool.close();
        try {
            if (spooled != null) Files.deleteIfExists(spooled);
        } catch (IOException ignored) {
            // see above
        }
    }

    /** The innermost message that says something (POI wraps), without class names. */
    private static String describe(Throwable e) {
        String message = null;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) message = c.getMessage();
        }
        if (message == null) return "not a readable xlsx file";
        if (message.contains("Zip bomb detected")) {
            return "zip bomb detected: an entry expands more than " + MIN_INFLATE_RATIO_DENOMINATOR
                    + " times its compressed size or past " + MAX_ENTRY_SIZE + " bytes";
        }
        if (message.contains("No valid entries or contents found") || message.contains("not a valid OOXML")
                || message.contains("Zip") || message.contains("zip")) {
            return "not an xlsx file (" + RowError.clip(message.replaceAll("\\s+", " ")) + ")";
        }
        return RowError.clip(message.replaceAll("\\s+", " "));
    }

    private static EngineFailure failure(String vendorId, String what) {
        return new EngineFailure(ERROR_CODE, "NORMALIZE", "xlsx parse error for vendor " + vendorId + ": " + what, vendorId);
    }
}

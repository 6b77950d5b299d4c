package com.relay.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Builds one vendor's normalized file (docs/CONTRACT.md#output-csv-format): rows ordered by {@code sku} in code point order,
 * input order among equal SKUs ({@code vendor_id} is the same for every row). Records must be
 * offered in input order.
 *
 * <p>Each record is formatted into its CSV line as it arrives, and only the line, the SKU's
 * characters and two sort keys are kept, appended to a few growing primitive arrays: no object
 * per row stays alive, so the garbage collector has nothing to trace or copy for the rows held
 * (with one object per row a vendor's rows survived several young collections and then filled
 * the old generation). Above the memory budget, stably sorted runs of lines are spilled and
 * merged at the end (docs/CONTRACT.md#orchestration-streaming-and-memory): memory does not grow with the file size. Not thread-safe.
 */
public final class NormalizedFileSorter implements RecordConsumer, Closeable {

    static final int DEFAULT_FAN_IN = 64;

    private final Path spillDir;
    private final long memoryBudgetBytes;
    private final int fanIn;
    private final LineCapture capture = new LineCapture();
    private final CsvFeedWriter formatter;
    private final List<Path> runs = new ArrayList<>();

    // row i: line bytes lineBytes[lineStart[i] .. lineStart[i + 1]), SKU chars likewise
    private byte[] lineBytes;
    private char[] skuChars;
    private int[] lineStart;
    private int[] skuStart;
    private long[] key1;
    private long[] key2;
    private int size;
    private long count;
    private boolean finished;

    public NormalizedFileSorter(Path spillDir, long memoryBudgetBytes) throws IOException {
        this(spillDir, memoryBudgetBytes, DEFAULT_FAN_IN);
    }

    NormalizedFileSorter(Path spillDir, long memoryBudgetBytes, int fanIn) throws IOException {
        if (memoryBudgetBytes <= 0) throw new IllegalArgumentException("memory budget must be positive");
        if (fanIn < 2) throw new IllegalArgumentException("fan-in must be at least 2");
        this.spillDir = spillDir;
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.fanIn = fanIn;
        this.formatter = CsvFeedWriter.normalized(capture);
        formatter.flush();
        capture.reset(); // the header is written once, by writeCsv
        emptyArrays();
    }

    /** Small arrays to start (again) from: the budget counts allocated capacity (see {@link #heldBytes}). */
    private void emptyArrays() {
        lineBytes = new byte[4096];
        skuChars = new char[512];
        lineStart = new int[129];
        skuStart = new int[129];
        key1 = new long[128];
        key2 = new long[128];
        size = 0;
    }

    /** Heap bytes the held rows take: the arrays' capacities, growth slack included. */
    private long heldBytes() {
        return lineBytes.length + 2L * skuChars.length + 8L * (key1.length + key2.length)
                + 4L * (lineStart.length + skuStart.length);
    }

    /** Grown capacity: doubling, but never past what the budget leaves (at least {@code needed}). */
    private int grown(int current, int needed, int bytesPerItem) {
        long room = (memoryBudgetBytes - heldBytes()) / bytesPerItem + current;
        return (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, Math.min(2L * current, room)));
    }

    @Override
    public void accept(InventoryRecord record) throws IOException {
        if (finished) throw new IllegalStateException("sorter already finished");
        formatter.writeRow(record);
        formatter.flush();
        String sku = record.sku() == null ? "" : record.sku();
        if (size == key1.length) {
            int rows = grown(key1.length, size + 1, 2 * 8 + 2 * 4);
            key1 = Arrays.copyOf(key1, rows);
            key2 = Arrays.copyOf(key2, rows);
            lineStart = Arrays.copyOf(lineStart, rows + 1);
            skuStart = Arrays.copyOf(skuStart, rows + 1);
        }
        key1[size] = CodePointOrder.prefixKey(sku);
        key2[size] = CodePointOrder.prefixKey2(sku);
        int lineAt = lineStart[size];
        int lineLength = capture.size;
        if (lineAt + lineLength > lineBytes.length) {
            lineBytes = Arrays.copyOf(lineBytes, grown(lineBytes.length, lineAt + lineLength, 1));
        }
        capture.moveTo(lineBytes, lineAt);
        lineStart[size + 1] = lineAt + lineLength;
        int skuAt = skuStart[size];
        if (skuAt + sku.length() > skuChars.length) {
            skuChars = Arrays.copyOf(skuChars, grown(skuChars.length, skuAt + sku.length(), 2));
        }
        sku.getChars(0, sku.length(), skuChars, skuAt);
        skuStart[size + 1] = skuAt + sku.length();
        size++;
        count++;
        // full: an array reached what the budget leaves it
        if (heldBytes() >= memoryBudgetBytes) spill();
    }

    /** Records offered so far (the vendor's valid record count). */
    public long count() {
        return count;
    }

    public int spilledRuns() {
        return runs.size();
    }

    /**
     * Writes the normalized CSV (header, then the rows in order) and flushes {@code out}; spill
     * files are deleted afterwards, also on failure.
     */
    public long writeCsv(OutputStream out) throws IOException {
        return writeCsv(out, null);
    }

    /**
     * {@link #writeCsv(OutputStream)}, recording the rows' SKUs and offsets in {@code index} (null:
     * none) as they are written (docs/ENGINE.md#explain-index): a SKU string only for the few rows
     * that become entries.
     */
    public long writeCsv(OutputStream out, SkuBlockIndex.Builder index) throws IOException {
        if (finished) throw new IllegalStateException("sorter already finished");
        finished = true;
        try {
            BufferedOutputStream target = new BufferedOutputStream(out, 1 << 16);
            byte[] header = CsvFeedWriter.headerLine(CsvFeedWriter.CANONICAL_COLUMNS);
            target.write(header);
            long[] offset = {header.length};
            if (index != null) index.header(header.length);
            int[] order = sortHeld();
            if (runs.isEmpty()) {
                for (int i : order) {
                    int length = lineStart[i + 1] - lineStart[i];
                    if (index != null && index.wants(offset[0])) {
                        index.add(new String(skuChars, skuStart[i], skuStart[i + 1] - skuStart[i]), offset[0]);
                    }
                    target.write(lineBytes, lineStart[i], length);
                    offset[0] += length;
                }
            } else {
                while (runs.size() >= fanIn) mergeRuns(); // bound the open files
                List<Source> sources = new ArrayList<>();
                try {
                    for (Path run : runs) sources.add(new RunSource(run));
                    sources.add(new BufferSource(order));
                    merge(sources, line -> {
                        if (index != null && index.wants(offset[0])) index.add(line.sku, offset[0]);
                        target.write(line.bytes);
                        offset[0] += line.bytes.length;
                    });
                } finally {
                    for (Source s : sources) s.close();
                }
            }
            target.flush();
            return count;
        } finally {
            close();
        }
    }

    private void spill() throws IOException {
        int[] order = sortHeld();
        Path run = Files.createTempFile(spillDir, "relay-normalized-", ".run");
        runs.add(run);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
            for (int i : order) write(out, held(i));
        }
        emptyArrays();
    }

    /** Row {@code i} of the held rows as a {@link Line} (spill paths only). */
    private Line held(int i) {
        String sku = new String(skuChars, skuStart[i], skuStart[i + 1] - skuStart[i]);
        return new Line(key1[i], key2[i], sku, Arrays.copyOfRange(lineBytes, lineStart[i], lineStart[i + 1]));
    }

    /** Merges the oldest {@code fanIn} runs into one, keeping run order (and so stability). */
    private void mergeRuns() throws IOException {
        List<Path> oldest = new ArrayList<>(runs.subList(0, fanIn));
        Path merged = Files.createTempFile(spillDir, "relay-normalized-", ".run");
        List<Source> sources = new ArrayList<>();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(merged), 1 << 16))) {
            for (Path run : oldest) sources.add(new RunSource(run));
            merge(sources, line -> write(out, line));
        } finally {
            for (Source s : sources) s.close();
        }
        for (Path p : oldest) Files.deleteIfExists(p);
        runs.subList(0, fanIn).clear();
        runs.add(0, merged);
    }

    /** Positions of the held rows in output order. Stable: equal SKUs keep input order. */
    private int[] sortHeld() {
        return KeySort.order(key1, key2, size, (a, b) -> CodePointOrder.compareChars(
                skuChars, skuStart[a], skuStart[a + 1], skuChars, skuStart[b], skuStart[b + 1]));
    }

    private interface LineSink {
        void accept(Line line) throws IOException;
    }

    /** k-way merge; on equal SKUs the earlier source (earlier input) wins, so the merge is stable. */
    private static void merge(List<Source> sources, LineSink sink) throws IOException {
        Comparator<Source> order = (a, b) -> {
            int c = Line.ORDER.compare(a.peek(), b.peek());
            return c != 0 ? c : Integer.compare(a.index, b.index);
        };
        PriorityQueue<Source> heap = new PriorityQueue<>(order);
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            s.index = i;
            if (s.peek() != null) heap.add(s);
        }
        while (!heap.isEmpty()) {
            Source s = heap.poll();
            sink.accept(s.peek());
            s.advance();
            if (s.peek() != null) heap.add(s);
        }
    }

    private static void write(DataOutputStream out, Line line) throws IOException {
        byte[] sku = line.sku.getBytes(StandardCharsets.UTF_8);
        out.writeInt(sku.length);
        out.write(sku);
        out.writeInt(line.bytes.length);
        out.write(line.bytes);
    }

    @Override
    public void close() {
        finished = true;
        lineBytes = new byte[0];
        skuChars = new char[0];
        lineStart = new int[1];
        skuStart = new int[1];
        key1 = new long[0];
        key2 = new long[0];
        size = 0;
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException ignored) {
                // temporary file in the run's work folder, removed with it
            }
        }
        runs.clear();
    }

    /** One formatted row and the key it sorts by. */
    private record Line(long key, long key2, String sku, byte[] bytes) {
        static final Comparator<Line> ORDER = (a, b) -> {
            int c = Long.compareUnsigned(a.key, b.key);
            if (c != 0) return c;
            c = Long.compareUnsigned(a.key2, b.key2);
            return c != 0 ? c : CodePointOrder.compareStrings(a.sku, b.sku);
        };

        static Line of(String sku, byte[] bytes) {
            return new Line(CodePointOrder.prefixKey(sku), CodePointOrder.prefixKey2(sku), sku, bytes);
        }
    }

    private abstract static class Source implements Closeable {
        int index;

        abstract Line peek();

        abstract void advance() throws IOException;

        @Override
        public void close() throws IOException { }
    }

    /** The held rows in sorted order. */
    private final class BufferSource extends Source {
        private final int[] order;
        private int pos;
        private Line current;

        BufferSource(int[] order) {
            this.order = order;
            current = order.length > 0 ? held(order[0]) : null;
        }

        @Override
        Line peek() { return current; }

        @Override
        void advance() {
            pos++;
            current = pos < order.length ? held(order[pos]) : null;
        }
    }

    private static final class RunSource extends Source {
        private final DataInputStream in;
        private Line current;

        RunSource(Path run) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
            advance();
        }

        @Override
        Line peek() { return current; }

        @Override
        void advance() throws IOException {
            int skuLength;
            try {
                skuLength = in.readInt();
            } catch (EOFException end) {
                current = null;
                return;
            }
            byte[] sku = in.readNBytes(skuLength);
            byte[] bytes = in.readNBytes(in.readInt());
            current = Line.of(new String(sku, StandardCharsets.UTF_8), bytes);
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    /** Collects what the formatter writes for one row. */
    private static final class LineCapture extends OutputStream {
        private byte[] buf = new byte[256];
        private int size;

        @Override
        public void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }

        /** Copies the captured row into {@code target} at {@code at} and starts the next one. */
        void moveTo(byte[] target, int at) {
            System.arraycopy(buf, 0, target, at, size);
            size = 0;
        }

        void reset() { size = 0; }
    }
}

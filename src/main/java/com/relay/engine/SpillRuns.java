package com.relay.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Sorted runs spilled to disk and their k-way merge (docs/CONTRACT.md#orchestration-streaming-and-memory). Used by {@link BestOfferMerger} and
 * {@link NormalizedFileSorter}. Every file created here is deleted by {@link #close()}, which the
 * owners call when they finish or fail.
 */
final class SpillRuns implements Closeable {

    /** Runs merged at once; more runs are first merged in consecutive groups (keeps run order). */
    static final int DEFAULT_FAN_IN = 64;
    private static final int BUFFER_BYTES = 1 << 16;

    /** Merges already-sorted sources into one sorted stream, e.g. keeping the best per SKU. */
    interface MergeStep {
        void merge(List<RecordSource> sources, RecordConsumer out) throws IOException;
    }

    private final Path spillDir;
    private final String prefix;
    private final int fanIn;
    private final List<Path> runs = new ArrayList<>();
    private final List<Path> created = new ArrayList<>();
    private final List<Closeable> openReaders = new ArrayList<>();

    SpillRuns(Path spillDir, String prefix, int fanIn) {
        this.spillDir = Objects.requireNonNull(spillDir, "spillDir");
        this.prefix = prefix;
        if (fanIn < 2) throw new IllegalArgumentException("fan-in must be at least 2");
        this.fanIn = fanIn;
    }

    int runCount() {
        return runs.size();
    }

    /** Writes records (already in run order) as the next run. */
    void addRun(Iterable<InventoryRecord> sorted) throws IOException {
        Path file = newFile();
        try (RunWriter w = new RunWriter(file)) {
            for (InventoryRecord r : sorted) w.accept(r);
        }
        runs.add(file);
    }

    /**
     * Merges every run plus an optional in-memory tail (which counts as the newest run) into
     * {@code out}. With more runs than the fan-in, consecutive groups are merged into
     * intermediate runs first, so at most {@code fanIn} files are open at a time.
     */
    void mergeAll(RecordSource memoryTail, MergeStep step, RecordConsumer out) throws IOException {
        List<Path> level = new ArrayList<>(runs);
        while (level.size() + (memoryTail == null ? 0 : 1) > fanIn) {
            List<Path> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += fanIn) {
                List<Path> group = level.subList(i, Math.min(level.size(), i + fanIn));
                if (group.size() == 1) {
                    next.add(group.get(0));
                    continue;
                }
                Path merged = newFile();
                try (RunWriter w = new RunWriter(merged)) {
                    mergeFiles(group, null, step, w);
                }
                for (Path p : group) deleteQuietly(p);
                next.add(merged);
            }
            level = next;
        }
        mergeFiles(level, memoryTail, step, out);
    }

    private void mergeFiles(List<Path> files, RecordSource tail, MergeStep step, RecordConsumer out)
            throws IOException {
        List<RecordSource> sources = new ArrayList<>(files.size() + 1);
        List<RunReader> readers = new ArrayList<>(files.size());
        try {
            for (Path f : files) {
                RunReader r = new RunReader(f);
                readers.add(r);
                openReaders.add(r);
                sources.add(r);
            }
            if (tail != null) sources.add(tail);
            step.merge(sources, out);
        } finally {
            for (RunReader r : readers) {
                r.close();
                openReaders.remove(r);
            }
        }
    }

    private Path newFile() throws IOException {
        Files.createDirectories(spillDir);
        Path file = Files.createTempFile(spillDir, prefix, ".run");
        created.add(file);
        return file;
    }

    @Override
    public void close() {
        for (Closeable c : List.copyOf(openReaders)) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort: the file is deleted below anyway
            }
        }
        openReaders.clear();
        for (Path p : created) deleteQuietly(p);
        created.clear();
        runs.clear();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a file that cannot be deleted now is left to the spill directory's cleanup
        }
    }

    /**
     * Standard k-way merge: emits every record of every source in {@code order}; ties go to the
     * earlier source, so a merge of runs written in input order is stable.
     */
    static void mergeOrdered(List<RecordSource> sources, Comparator<InventoryRecord> order, RecordConsumer out)
            throws IOException {
        PriorityQueue<Head> heap = heapOf(sources, order);
        while (!heap.isEmpty()) {
            Head h = heap.poll();
            out.accept(h.source.peek());
            h.source.advance();
            if (h.source.peek() != null) heap.add(h);
        }
    }

    /** Heap entries ordered by the current record, then by source position. */
    static PriorityQueue<Head> heapOf(List<RecordSource> sources, Comparator<InventoryRecord> order) {
        PriorityQueue<Head> heap = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> {
            int c = order.compare(a.source.peek(), b.source.peek());
            return c != 0 ? c : Integer.compare(a.position, b.position);
        });
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).peek() != null) heap.add(new Head(sources.get(i), i));
        }
        return heap;
    }

    static final class Head {
        final RecordSource source;
        final int position;

        Head(RecordSource source, int position) {
            this.source = source;
            this.position = position;
        }
    }

    /** A sorted stream of records with one record of look-ahead. */
    interface RecordSource {
        /** The current record, or null when exhausted. */
        InventoryRecord peek();

        void advance() throws IOException;
    }

    /** A sorted in-memory list as a source; each element is read once (the list may build it on {@code get}). */
    static RecordSource ofList(List<InventoryRecord> sorted) {
        return new RecordSource() {
            private int index;
            private InventoryRecord current = sorted.isEmpty() ? null : sorted.get(0);

            @Override
            public InventoryRecord peek() {
                return current;
            }

            @Override
            public void advance() {
                index++;
                current = index < sorted.size() ? sorted.get(index) : null;
            }
        };
    }

    private static final class RunWriter implements RecordConsumer, Closeable {
        private final DataOutputStream out;
        private final RecordCodec codec = new RecordCodec();

        RunWriter(Path file) throws IOException {
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES));
        }

        @Override
        public void accept(InventoryRecord record) throws IOException {
            codec.write(out, record);
        }

        @Override
        public void close() throws IOException {
            try (out) {
                codec.writeEnd(out);
            }
        }
    }

    private static final class RunReader implements RecordSource, Closeable {
        private final DataInputStream in;
        private final RecordCodec codec = new RecordCodec();
        private InventoryRecord current;

        RunReader(Path file) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES));
            try {
                current = codec.read(in);
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }

        @Override
        public InventoryRecord peek() {
            return current;
        }

        @Override
        public void advance() throws IOException {
            current = codec.read(in);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

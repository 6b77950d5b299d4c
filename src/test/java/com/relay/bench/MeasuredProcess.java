package com.relay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one command as a child process and measures its wall-clock time and peak resident set
 * size. Peak RSS comes from {@code /usr/bin/time -v} ("Maximum resident set size", the kernel's
 * exact high-water mark) when that tool works here, else from polling {@code VmHWM} in
 * {@code /proc/<pid>/status} every 10 ms (the high-water mark never decreases, so polling only
 * loses growth in the last interval before exit). Standard output and error go to files.
 */
public final class MeasuredProcess {

    private static final Path TIME = Path.of("/usr/bin/time");
    private static final Pattern TIME_MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\):\\s*(\\d+)");
    private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s*(\\d+)\\s*kB");
    private static volatile Boolean timeWorks;

    /** Outcome of one run; {@code peakRssKb} is -1 when it could not be measured. */
    public record Result(int exitCode, Duration wall, long peakRssKb, boolean timedOut, Path stdout, Path stderr) {
        public String stderrHead(int maxLines) {
            return head(stderr, maxLines);
        }

        public String stdoutHead(int maxLines) {
            return head(stdout, maxLines);
        }
    }

    private MeasuredProcess() {}

    /**
     * Runs {@code command} in {@code workDir}; output files are {@code <logPrefix>.out/.err}.
     * {@code abortWhen} is checked against the output every 100 ms: when it matches, the process
     * is killed and the result reports exit code -1 (used to stop a jar that starts a server).
     */
    public static Result run(List<String> command, Path workDir, Path logPrefix, Duration timeout,
                             Predicate<String> abortWhen) throws IOException, InterruptedException {
        Files.createDirectories(logPrefix.toAbsolutePath().getParent());
        Path out = Path.of(logPrefix + ".out");
        Path err = Path.of(logPrefix + ".err");
        Path timeReport = Path.of(logPrefix + ".time");
        Files.deleteIfExists(timeReport);
        boolean useTime = timeWorks();
        List<String> full = new ArrayList<>();
        if (useTime) {
            full.addAll(List.of(TIME.toString(), "-v", "-o", timeReport.toString()));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        long deadline = start + timeout.toNanos();
        long polledHwm = -1;
        long lastOutputCheck = start;
        boolean timedOut = false;
        boolean aborted = false;
        while (!process.waitFor(10, TimeUnit.MILLISECONDS)) {
            if (!useTime) {
                polledHwm = Math.max(polledHwm, readVmHwm(process.pid()).orElse(-1));
            }
            long now = System.nanoTime();
            if (abortWhen != null && now - lastOutputCheck > 100_000_000L) {
                lastOutputCheck = now;
                if (abortWhen.test(head(out, 200) + "\n" + head(err, 200))) {
                    aborted = true;
                    destroyTree(process);
                    break;
                }
            }
            if (now > deadline) {
                timedOut = true;
                destroyTree(process);
                break;
            }
        }
        process.waitFor();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        long peak = useTime && Files.exists(timeReport)
                ? parseTimeMaxRss(Files.readString(timeReport)).orElse(-1)
                : polledHwm;
        int exit = aborted || timedOut ? -1 : process.exitValue();
        return new Result(exit, wall, peak, timedOut, out, err);
    }

    /** Kills the process and its descendants (all started by this harness). */
    private static void destroyTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Whether {@code /usr/bin/time -v} runs and reports the maximum RSS here. */
    static boolean timeWorks() {
        if (timeWorks == null) {
            boolean works = false;
            if (Files.isExecutable(TIME)) {
                try {
                    Path report = Files.createTempFile("bench-time", ".txt");
                    Process p = new ProcessBuilder(TIME.toString(), "-v", "-o", report.toString(), "true")
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    works = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
                            && parseTimeMaxRss(Files.readString(report)).isPresent();
                    Files.deleteIfExists(report);
                } catch (IOException e) {
                    works = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            timeWorks = works;
        }
        return timeWorks;
    }

    /** "Maximum resident set size (kbytes): N" from GNU time's verbose report. */
    static OptionalLong parseTimeMaxRss(String report) {
        Matcher m = TIME_MAX_RSS.matcher(report);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** "VmHWM: N kB" from a /proc/<pid>/status text. */
    static OptionalLong parseVmHwm(String status) {
        Matcher m = VM_HWM.matcher(status);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static OptionalLong readVmHwm(long pid) {
        try {
            return parseVmHwm(Files.readString(Path.of("/proc/" + pid + "/status")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // the process just exited
        }
    }

    static String head(Path file, int maxLines) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = new ArrayList<>();
            try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null && lines.size() < maxLines; line = reader.readLine()) {
                    lines.add(line);
                }
            }
            return String.join("\n", lines);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}

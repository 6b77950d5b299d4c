package com.relay.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Two (or more) builds of the engine compared pass by pass in one JVM: each build's classes in a
 * class loader of their own (so each has its own JIT profile and code), their
 * {@link FormatsBenchmark} passes interleaved, so a minute in which the machine is slow slows every
 * build alike. On a VM whose speed drifts by 15-30 % from one minute to the next, separate JVMs one
 * after the other could not tell a 3 % change from the drift; the ratio of the passes run side by
 * side can (docs/PERFORMANCE.md#xlsx-a-small-feed-held-in-memory). Not a test: run by hand.
 *
 * <pre>bench/run paired [--passes 40] [--warm-up 10] [--data-dir bench-data] before=/tmp/base-classes:XLSX after=target/classes:XLSX</pre>
 *
 * Each {@code label=classes:FORMAT} names a build's {@code target/classes} (of any commit, e.g. from
 * {@code git worktree add} and {@code ./mvnw compile}) and a {@link FormatsBenchmark.Format}; the
 * harness classes are the current {@code target/test-classes}. Prints each build's median, quartile
 * and least pass time and the median of the pass-by-pass ratios to the first build.
 */
public final class PairedBuildsBenchmark {
    private PairedBuildsBenchmark() {}

    private static final class Build {
        String label;
        Method pass;
        Object parser;
        Object feeds;
        Path work;
        final List<Double> millis = new ArrayList<>();
    }

    public static void main(String[] argv) throws Exception {
        int passes = 40;
        int warmUp = 10;
        String dataDir = "bench-data";
        List<Build> builds = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--passes" -> passes = Integer.parseInt(argv[++i]);
                case "--warm-up" -> warmUp = Integer.parseInt(argv[++i]);
                case "--data-dir" -> dataDir = argv[++i];
                default -> builds.add(build(argv[i], dataDir));
            }
        }
        if (builds.isEmpty() || warmUp >= passes) {
            System.err.println("usage: PairedBuildsBenchmark [--passes N] [--warm-up W] [--data-dir DIR] label=classes-dir:FORMAT ...");
            System.exit(2);
        }
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < builds.size(); k++) {
                Build b = builds.get((p + k) % builds.size()); // each pass in another order
                long start = System.nanoTime();
                b.pass.invoke(null, b.parser, b.feeds, b.work);
                if (p >= warmUp) b.millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        for (Build b : builds) {
            List<Double> sorted = new ArrayList<>(b.millis);
            Collections.sort(sorted);
            System.out.printf("%-8s median %6.1f ms  quartile %6.1f  least %6.1f  (%d passes)%n", b.label,
                    sorted.get(sorted.size() / 2), sorted.get(sorted.size() / 4), sorted.get(0), sorted.size());
        }
        Build first = builds.get(0);
        for (Build b : builds.subList(1, builds.size())) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < first.millis.size(); i++) ratios.add(b.millis.get(i) / first.millis.get(i));
            Collections.sort(ratios);
            System.out.printf("%s / %s, pass by pass: median %.3f%n", b.label, first.label, ratios.get(ratios.size() / 2));
        }
    }

    /** A build from {@code label=classes-dir:FORMAT}: its classes and the current harness in a loader of their own. */
    private static Build build(String spec, String dataDir) throws Exception {
        int eq = spec.indexOf('=');
        int colon = spec.lastIndexOf(':');
        if (eq < 1 || colon < eq) throw new IllegalArgumentException("not label=classes-dir:FORMAT: " + spec);
        URL[] urls = {Path.of(spec.substring(eq + 1, colon)).toUri().toURL(), Path.of("target/test-classes").toUri().toURL()};
        // the parent has the dependencies but not Relay's classes (this class's own loader sees them: skip it)
        ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null && name.startsWith("com.relay.")) {
                        try {
                            loaded = findClass(name);
                        } catch (ClassNotFoundException notHere) {
                            loaded = null;
                        }
                    }
                    if (loaded == null) loaded = PairedBuildsBenchmark.class.getClassLoader().loadClass(name);
                    if (resolve) resolveClass(loaded);
                    return loaded;
                }
            }
        };
        Class<?> benchmark = loader.loadClass(FormatsBenchmark.class.getName());
        Class<?> args = loader.loadClass(FormatsBenchmark.Args.class.getName());
        Method parse = args.getDeclaredMethod("parse", String[].class);
        parse.setAccessible(true);
        Object parsed = parse.invoke(null, (Object) new String[] {"--data-dir", dataDir});
        Method prepare = benchmark.getDeclaredMethod("prepare", args);
        prepare.setAccessible(true);
        Map<?, ?> byFormat = (Map<?, ?>) prepare.invoke(null, parsed);
        Build b = new Build();
        b.label = spec.substring(0, eq);
        String format = spec.substring(colon + 1);
        for (Map.Entry<?, ?> e : byFormat.entrySet()) if (e.getKey().toString().equals(format)) b.feeds = e.getValue();
        if (b.feeds == null) throw new IllegalArgumentException("no format " + format + " (" + byFormat.keySet() + ")");
        b.parser = loader.loadClass("com.relay.engine.VendorFeedParser").getDeclaredConstructor().newInstance();
        for (Method m : benchmark.getDeclaredMethods()) if (m.getName().equals("pass")) b.pass = m;
        b.pass.setAccessible(true);
        b.work = Files.createTempDirectory("relay-paired-");
        return b;
    }
}

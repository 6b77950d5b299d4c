package com.relay.cli;

import com.relay.explain.Explanation;
import com.relay.explain.LocalRunArtifacts;
import com.relay.explain.SkuExplainer;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code relay local-run --explain <sku>} (docs/ENGINE.md#per-sku-explain): the explanation of one SKU of a run in the
 * output directory, as a table or ({@code --json}) the JSON of docs/API.md#explain-a-sku. Exit 0 explained, 1 the
 * SKU is not in the run, 2 no run to explain.
 */
final class LocalExplain {

    private LocalExplain() {}

    /** {@code --explain} without {@code --config}: the run already in {@code --output-dir} ({@code --run-id} when several). */
    static int explainExisting(LocalRunCommand.Args args, PrintStream out, PrintStream err) {
        Path root = args.outputDir();
        try {
            String runId = args.runIdGiven() ? args.runId() : onlyChild(root, "run", "--run-id");
            String tenant = onlyChild(root.resolve(runId).resolve("tenants"), "tenant", null);
            String prefix = runId + "/tenants/" + tenant + "/";
            Map<String, String> artifacts = new LinkedHashMap<>();
            artifacts.put("config_snapshot", prefix + "reports/config_snapshot.json");
            artifacts.put("explain_index", prefix + "reports/explain_index.json");
            for (String key : artifacts.values()) {
                if (!Files.isRegularFile(root.resolve(key))) {
                    throw new LocalRunCommand.UsageError("no " + key + " in " + root
                            + " (only a succeeded run of this version can be explained)");
                }
            }
            return explain(root, runId, artifacts, args.explainSku(), args.json(), out, err);
        } catch (LocalRunCommand.UsageError e) {
            e.lines.forEach(err::println);
            return 2;
        }
    }

    private static String onlyChild(Path dir, String what, String option) throws LocalRunCommand.UsageError {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> children = Files.list(dir)) {
                children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(names::add);
            } catch (IOException e) {
                throw new LocalRunCommand.UsageError("cannot read " + dir + ": " + e.getMessage());
            }
        }
        if (names.size() == 1) return names.get(0);
        if (names.isEmpty()) throw new LocalRunCommand.UsageError("no " + what + " folder in " + dir);
        throw new LocalRunCommand.UsageError(dir + " holds several " + what + "s (" + String.join(", ", names) + ")"
                + (option == null ? "" : ": name one with " + option));
    }

    /** Explains {@code sku} of the run whose artifacts (name → key under {@code root}) are given. */
    static int explain(Path root, String runId, Map<String, String> artifacts, String sku, boolean json,
                       PrintStream out, PrintStream err) {
        try {
            Optional<Explanation> explained = SkuExplainer.open(runId, artifacts, new LocalRunArtifacts(root)).explain(sku);
            if (explained.isEmpty()) {
                err.println("sku '" + sku + "' is not in run " + runId + " (no vendor offered it)");
                return 1;
            }
            if (json) out.println(LocalRunCommand.mapper().writeValueAsString(explained.get().toJson()));
            else printTable(explained.get(), out);
            return 0;
        } catch (IOException e) {
            err.println("cannot explain sku '" + sku + "' of run " + runId + ": " + e.getMessage());
            return 2;
        }
    }

    static void printTable(Explanation e, PrintStream out) {
        out.println("sku " + e.sku() + " in run " + e.runId() + " (tenant " + e.tenantId() + "), sort_by: "
                + String.join(", ", e.sortBy()));
        List<String> header = new ArrayList<>(List.of("rank", "vendor", "qty", "cost", "landed", "lead"));
        header.addAll(e.sortBy());
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (Explanation.Candidate c : e.candidates()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(c.rank()), c.vendorId(),
                    Long.toString(c.quantityAvailable()), text(c.cost()), text(c.landedCost()),
                    c.effectiveLeadTimeDays() + (c.leadTimeFallbackApplied() ? " (fallback)" : "")));
            for (String k : e.sortBy()) row.add(String.valueOf(c.sortKeys().get(k)));
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (List<String> r : rows) for (int i = 0; i < r.size(); i++) width[i] = Math.max(width[i], r.get(i).length());
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) line.append(String.format("%-" + (width[i] + 2) + "s", r.get(i)));
            out.println(line.toString().stripTrailing());
        }
        if (e.candidateCount() > e.candidates().size()) {
            out.println("(" + e.candidateCount() + " offers; the best " + e.candidates().size() + " shown)");
        }
        Explanation.TieBreak t = e.tieBreak();
        out.println("winner: " + e.winnerVendorId() + (t == null ? " (the only offer)"
                : " (decided by " + t.decidedBy() + ": " + t.winnerValue() + " against " + t.runnerUpValue()
                + " of " + t.runnerUpVendorId() + ")"));
        out.println("pricing:");
        for (Explanation.Step s : e.pricingSteps()) {
            out.printf("  %-20s %s -> %s%s%n", s.step(), text(s.before()), text(s.after()), s.changed() ? "  (changed)" : "");
        }
        out.println("price: " + e.priceCsv());
    }

    private static String text(BigDecimal v) {
        return v == null ? "-" : v.toPlainString();
    }
}

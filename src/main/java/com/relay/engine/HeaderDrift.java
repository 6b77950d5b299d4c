package com.relay.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a vendor's columns changed since its previous successful run (docs/CONTRACT.md#vendor-drift):
 * names compared exactly after trimming; a missing name and an added one that are
 * {@link HeaderSimilarity#similar similar} are reported as one rename instead (best scores first,
 * each name in one rename at most), so {@code Qty} → {@code Available Quantity} is one rename
 * rather than a missing and an added column. Both headers are bounded ({@link VendorHeader#MAX_LISTED}
 * names), so the comparison is too.
 *
 * @param added        names in the file now and not before (file order), renames excluded
 * @param missing      names before and not in the file now (previous order), renames excluded
 * @param renamed      missing → added pairs judged to be the same column renamed
 * @param orderChanged the names common to both come in another order
 */
public record HeaderDrift(List<String> added, List<String> missing, List<Rename> renamed, boolean orderChanged) {

    /** One column renamed: {@code from} the previous header, {@code to} the current one. */
    public record Rename(String from, String to, double score) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", from);
            m.put("to", to);
            return m;
        }
    }

    public HeaderDrift {
        added = List.copyOf(added);
        missing = List.copyOf(missing);
        renamed = List.copyOf(renamed);
    }

    /** Compares bounded headers ({@link VendorHeader#kept}). */
    public static HeaderDrift between(List<String> previous, List<String> current) {
        Set<String> before = new LinkedHashSet<>(VendorHeader.kept(previous));
        Set<String> now = new LinkedHashSet<>(VendorHeader.kept(current));
        List<String> gone = before.stream().filter(n -> !now.contains(n)).toList();
        List<String> fresh = now.stream().filter(n -> !before.contains(n)).toList();

        record Pair(int from, int to, double score) { }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < gone.size(); i++) {
            for (int j = 0; j < fresh.size(); j++) {
                double s = HeaderSimilarity.score(gone.get(i), fresh.get(j));
                if (s >= HeaderSimilarity.SIMILAR) pairs.add(new Pair(i, j, s));
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::score).reversed().thenComparingInt(Pair::from).thenComparingInt(Pair::to));
        boolean[] goneUsed = new boolean[gone.size()];
        boolean[] freshUsed = new boolean[fresh.size()];
        List<Pair> chosen = new ArrayList<>();
        for (Pair p : pairs) {
            if (goneUsed[p.from()] || freshUsed[p.to()]) continue;
            goneUsed[p.from()] = true;
            freshUsed[p.to()] = true;
            chosen.add(p);
        }
        chosen.sort(Comparator.comparingInt(Pair::from));
        List<Rename> renamed = chosen.stream().map(p -> new Rename(gone.get(p.from()), fresh.get(p.to()), p.score())).toList();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < gone.size(); i++) if (!goneUsed[i]) missing.add(gone.get(i));
        List<String> added = new ArrayList<>();
        for (int j = 0; j < fresh.size(); j++) if (!freshUsed[j]) added.add(fresh.get(j));

        List<String> commonBefore = before.stream().filter(now::contains).toList();
        List<String> commonNow = now.stream().filter(before::contains).toList();
        return new HeaderDrift(added, missing, renamed, !commonBefore.equals(commonNow));
    }

    /** Anything changed: a column added, missing or renamed, or the order. */
    public boolean changed() {
        return !added.isEmpty() || !missing.isEmpty() || !renamed.isEmpty() || orderChanged;
    }

    /** {@code run_summary.json} {@code vendor_drift.<id>} (and diff.json): changed, added, missing, renamed, order_changed. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changed", changed());
        m.put("added", added);
        m.put("missing", missing);
        m.put("renamed", renamed.stream().map(Rename::toJson).toList());
        m.put("order_changed", orderChanged);
        return m;
    }
}

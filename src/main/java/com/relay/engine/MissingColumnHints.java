package com.relay.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The closest-header hint of a {@code missing columns} problem (docs/CONTRACT.md#header-check-and-required-columns):
 * for each missing mapped name, the column of the file that most likely replaced it, or nothing.
 * <ul>
 *   <li>With the vendor's previous header known, only a <em>new</em> column (not in it, not read by
 *       the configuration) is named: the most {@link HeaderSimilarity similar} one, or, when exactly
 *       one column is missing and exactly one new column appeared, that one:
 *       {@code `Qty` is missing; the file has a new column `Available Quantity`}.</li>
 *   <li>Without it, the most similar column the configuration does not read, only when similar
 *       enough: {@code `Qty` is missing; the file has a similar column `Available Qty`}.</li>
 * </ul>
 * Never a column chosen for no reason; each column is offered for one missing name at most.
 */
final class MissingColumnHints {
    private MissingColumnHints() {}

    /**
     * @param missing     the missing mapped names, in check order
     * @param fileColumns the names the file shows (as written)
     * @param read        every name the configuration reads (a column of another field is no candidate)
     * @param previous    the vendor's previous header, or null when unknown
     * @return the hint sentences, each starting with ". ", or "" when none applies
     */
    static String describe(List<String> missing, List<String> fileColumns, Collection<String> read, List<String> previous) {
        Set<String> readSet = new HashSet<>(read);
        Set<String> before = previous == null ? null : new HashSet<>(VendorHeader.kept(previous));
        List<String> candidates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String c : fileColumns) {
            String trimmed = Whitespace.trim(c);
            if (trimmed.isEmpty() || readSet.contains(c) || !seen.add(c)) continue;
            if (before != null && before.contains(VendorHeader.cut(trimmed))) continue;
            candidates.add(c);
        }
        Map<String, String> chosen = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (String name : missing) {
            String best = null;
            double bestScore = HeaderSimilarity.SIMILAR;
            for (String c : candidates) {
                if (taken.contains(c) || name.startsWith(c + ".")) continue; // json: the object holding the path is no column
                double s = HeaderSimilarity.score(name, c);
                if (s > bestScore || (s >= bestScore && best == null)) {
                    best = c;
                    bestScore = s;
                }
            }
            if (best == null && before != null && missing.size() == 1 && candidates.size() == 1) best = candidates.get(0);
            if (best != null) {
                taken.add(best);
                chosen.put(name, best);
            }
        }
        StringBuilder sb = new StringBuilder();
        chosen.forEach((name, column) -> sb.append(". `").append(RowError.clip(name)).append("` is missing; the file has a ")
                .append(before != null ? "new" : "similar").append(" column `").append(RowError.clip(column)).append('`'));
        return sb.toString();
    }
}

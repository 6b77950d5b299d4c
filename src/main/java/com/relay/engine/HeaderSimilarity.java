package com.relay.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How alike two column names are (docs/CONTRACT.md#vendor-drift), a score in [0, 1]:
 * <ol>
 *   <li>1 when the names are equal ignoring case, whitespace and punctuation ({@code Vendor SKU},
 *       {@code vendor_sku}, {@code VENDOR-SKU});</li>
 *   <li>else the overlap of their words (Dice: 2·common / (words of a + words of b)); words split at
 *       spaces, punctuation, camelCase and letter/digit boundaries, lower-cased, a plural {@code s}
 *       dropped, the usual feed abbreviations spelled out ({@code qty} → quantity, {@code avail} →
 *       available, …), and a word of 3+ letters that starts another counts as that word
 *       ({@code desc} ↔ description): {@code Qty} ↔ {@code Available Quantity} scores 0.67;</li>
 *   <li>or, for names of at most {@value #EDIT_MAX_CHARS} letters and digits, their edit similarity
 *       (1 − Levenshtein distance / longer length) when it is at least 0.8 (a typo:
 *       {@code Quantiy} ↔ {@code Quantity}).</li>
 * </ol>
 * Names whose numbers differ ({@code Warehouse 1}, {@code Warehouse 2}) are different columns: 0.
 * Names are cut to {@value #MAX_CHARS} characters first, so a hostile header costs bounded time.
 * {@link #SIMILAR} is the bar for "renamed" and for the closest-header hint. Pure and thread-safe.
 */
public final class HeaderSimilarity {
    /** Scores at or above this are "similar": one shared word of a two-word name passes, unrelated names do not. */
    public static final double SIMILAR = 0.5;
    static final int MAX_CHARS = 256;
    static final int EDIT_MAX_CHARS = 64;
    private static final double EDIT_BAR = 0.8;

    /** Feed abbreviations → the word they stand for (only words of 3+ letters take part in prefix matching). */
    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("qty", "quantity"), Map.entry("qnty", "quantity"),
            Map.entry("quant", "quantity"), Map.entry("avail", "available"), Map.entry("avl", "available"),
            Map.entry("desc", "description"), Map.entry("descr", "description"),
            Map.entry("mfr", "manufacturer"), Map.entry("mfg", "manufacturer"), Map.entry("manuf", "manufacturer"),
            Map.entry("no", "number"), Map.entry("num", "number"), Map.entry("nbr", "number"), Map.entry("nr", "number"),
            Map.entry("amt", "amount"), Map.entry("inv", "inventory"), Map.entry("stk", "stock"),
            Map.entry("prc", "price"), Map.entry("cnd", "condition"), Map.entry("cond", "condition"),
            Map.entry("upd", "updated"), Map.entry("ts", "timestamp"), Map.entry("dt", "date"));

    private HeaderSimilarity() {}

    /** The score of two names (symmetric). */
    public static double score(String a, String b) {
        String x = cut(a);
        String y = cut(b);
        String cx = compact(x);
        String cy = compact(y);
        if (cx.isEmpty() || cy.isEmpty()) return 0;
        if (cx.equals(cy)) return 1;
        List<String> wx = words(x);
        List<String> wy = words(y);
        List<String> nx = wx.stream().filter(HeaderSimilarity::isNumber).toList();
        List<String> ny = wy.stream().filter(HeaderSimilarity::isNumber).toList();
        if (!nx.isEmpty() && !ny.isEmpty() && !nx.equals(ny)) return 0; // "Warehouse 1" is not "Warehouse 2"
        double words = dice(wx, wy);
        double edit = cx.length() <= EDIT_MAX_CHARS && cy.length() <= EDIT_MAX_CHARS ? editSimilarity(cx, cy) : 0;
        return Math.max(words, edit >= EDIT_BAR ? edit : 0);
    }

    public static boolean similar(String a, String b) {
        return score(a, b) >= SIMILAR;
    }

    private static String cut(String s) {
        return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS);
    }

    /** Letters and digits only, lower-cased. */
    static String compact(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().filter(Character::isLetterOrDigit).forEach(cp -> sb.appendCodePoint(Character.toLowerCase(cp)));
        return sb.toString();
    }

    /** The normalised words of a name, in order, each once. */
    static List<String> words(String name) {
        Set<String> out = new LinkedHashSet<>();
        StringBuilder word = new StringBuilder();
        int previous = -1;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            boolean boundary = !Character.isLetterOrDigit(cp)
                    || (previous >= 0 && Character.isLowerCase(previous) && Character.isUpperCase(cp))
                    || (previous >= 0 && Character.isLetter(previous) != Character.isLetter(cp) && Character.isLetterOrDigit(previous));
            if (boundary && word.length() > 0) {
                out.add(normalise(word.toString()));
                word.setLength(0);
            }
            if (Character.isLetterOrDigit(cp)) word.appendCodePoint(Character.toLowerCase(cp));
            previous = cp;
        }
        if (word.length() > 0) out.add(normalise(word.toString()));
        return new ArrayList<>(out);
    }

    private static String normalise(String word) {
        String w = ABBREVIATIONS.getOrDefault(word, word);
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.substring(0, w.length() - 1);
        return ABBREVIATIONS.getOrDefault(w, w);
    }

    private static double dice(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) return 0;
        boolean[] used = new boolean[b.size()];
        int common = 0;
        for (String w : a) {
            for (int j = 0; j < b.size(); j++) {
                if (!used[j] && sameWord(w, b.get(j))) {
                    used[j] = true;
                    common++;
                    break;
                }
            }
        }
        return 2.0 * common / (a.size() + b.size());
    }

    private static boolean sameWord(String a, String b) {
        if (a.equals(b)) return true;
        String shorter = a.length() <= b.length() ? a : b;
        String longer = shorter == a ? b : a;
        return shorter.length() >= 3 && !isNumber(shorter) && longer.startsWith(shorter);
    }

    private static boolean isNumber(String s) {
        return s.chars().allMatch(Character::isDigit);
    }

    private static double editSimilarity(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return 1.0 - (double) prev[b.length()] / Math.max(a.length(), b.length());
    }
}

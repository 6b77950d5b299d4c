package com.relay.publish;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What {@link FeedDiff} found (docs/CONTRACT.md#publishing-diff-delta-and-guard). Counts of the published feed
 * ({@code baseline*}) are 0 for a first publication; {@code baselineInStock} and {@code zeroed}
 * are 0 when the published feed has no quantity column.
 *
 * @param carried             SKUs written with quantity 0 by the zero policy (new and earlier ones)
 * @param newlyCarried        of those, SKUs the published feed did not carry yet (one {@code zeroed_missing} delta row each)
 * @param zeroed              SKUs with published quantity &gt; 0 and quantity 0 now (carried ones included)
 * @param priceCompared       SKUs in both feeds with a published price &gt; 0 (the median's population)
 * @param medianPriceChange   median absolute relative price change, exact to 0.0001; null when none compared
 * @param medianAboveRange    the median lies above 1000 % ({@code medianPriceChange} then reads 10.0001)
 * @param samples             up to {@link FeedDiff#SAMPLE_SIZE} SKUs each of added, removed, changed, zeroed, carried
 */
public record DiffResult(boolean firstPublication,
                         long baselineSkuCount, long baselineTotalQuantity, long baselineInStock,
                         long skuCount, long totalQuantity, long inStockCount,
                         long added, long removed, long changed, long unchanged, long carried, long newlyCarried,
                         long zeroed, long quantityChanged, long priceChanged, long priceCompared,
                         BigDecimal medianPriceChange, boolean medianAboveRange,
                         Map<String, List<String>> samples, List<TopMoves.Move> quantityMoves,
                         List<TopMoves.Move> priceMoves, long deltaRows) {}

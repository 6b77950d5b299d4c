package com.relay.publish;

import com.relay.aws.ProvisionedResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Each vendor's header as its tenant's last successful run saw it (docs/CONTRACT.md#the-published-feed,
 * vendor drift): one item {@code vendor_headers#<tenant_id>} in the runs table with an attribute
 * {@code h_<vendor_id>} per vendor (a list of column names) and {@code r_<vendor_id>} (the run that
 * saw it). A vendor missing from a run keeps its last header. Written by the successful run's
 * terminal transaction, so a failed or superseded attempt never moves it.
 */
@Component("vendorHeaders")
public class VendorHeaders {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public VendorHeaders(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.runsTable();
    }

    /**
     * DynamoDB items hold 400 KB: the headers share 300,000 bytes evenly (6,000 per vendor at the
     * default 50 vendors); a longer header keeps its first columns, each name at most
     * {@value #MAX_NAME_CHARS} characters, and drift is judged on those.
     */
    static final long ITEM_BUDGET_BYTES = 300_000;
    static final int MAX_NAME_CHARS = 256;

    static List<String> bounded(List<String> columns, long budgetBytes) {
        List<String> out = new ArrayList<>();
        long used = 0;
        for (String c : columns) {
            String name = c.length() > MAX_NAME_CHARS ? c.substring(0, MAX_NAME_CHARS) : c;
            long bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4;
            if (used + bytes > budgetBytes) break;
            used += bytes;
            out.add(name);
        }
        return out;
    }

    public static String key(String tenantId) {
        return "vendor_headers#" + tenantId;
    }

    /** vendor id → the header its last successful run saw; empty before the tenant's first successful run. */
    public Map<String, List<String>> read(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(key(tenantId))))).item();
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (item == null) return out;
        item.forEach((name, value) -> {
            if (!name.startsWith("h_") || !value.hasL()) return;
            List<String> columns = new ArrayList<>();
            value.l().forEach(c -> columns.add(c.s()));
            out.put(name.substring(2), columns);
        });
        return out;
    }

    /** The Update of the terminal transaction: this run's headers replace each vendor's previous one. */
    public TransactWriteItem update(String tenantId, String runId, Map<String, List<String>> headers, String now) {
        StringBuilder set = new StringBuilder("SET item_type = :type, updated_at = :now");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":type", AttributeValue.fromS("VENDOR_HEADERS"));
        values.put(":now", AttributeValue.fromS(now));
        values.put(":run", AttributeValue.fromS(runId));
        int i = 0;
        long share = headers.isEmpty() ? 0 : ITEM_BUDGET_BYTES / headers.size();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            names.put("#h" + i, "h_" + e.getKey());
            names.put("#r" + i, "r_" + e.getKey());
            values.put(":h" + i, AttributeValue.fromL(bounded(e.getValue(), share).stream().map(AttributeValue::fromS).toList()));
            set.append(", #h").append(i).append(" = :h").append(i).append(", #r").append(i).append(" = :run");
            i++;
        }
        // never another kind of item under this key (a key collision would be a bug, not a retry)
        String condition = "attribute_not_exists(run_id) OR item_type = :type";
        return TransactWriteItem.builder().update(u -> {
            u.tableName(table).key(Map.of("run_id", AttributeValue.fromS(key(tenantId))))
                    .updateExpression(set.toString()).conditionExpression(condition)
                    .expressionAttributeValues(values);
            if (!names.isEmpty()) u.expressionAttributeNames(names);
        }).build();
    }
}

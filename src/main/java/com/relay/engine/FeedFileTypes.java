package com.relay.engine;

import java.util.Locale;

/**
 * The content type a vendor file is stored with, from its name only (docs/API.md, docs/ENGINE.md#vendor-file-formats):
 * an upload's or a local-run feed's, never the type a client declares. Types a browser could run
 * (text/html, image/svg+xml) are never produced; anything unknown is application/octet-stream.
 */
public final class FeedFileTypes {

    public static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private FeedFileTypes() {}

    public static String contentTypeOf(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        return switch (extension) {
            case "csv" -> "text/csv";
            case "tsv" -> "text/tab-separated-values";
            case "txt" -> "text/plain";
            case "json" -> "application/json";
            case "xml" -> "application/xml";
            case "xlsx" -> XLSX;
            default -> "application/octet-stream";
        };
    }
}

#!/usr/bin/env python3
"""Points citations of the behaviour contract at docs/CONTRACT.md.

Comments and docs used to cite the contract by section number of a specification kept outside the
repository: "RI §4.5" (relay inventory) and "N §4.6" / "notifications.md §4.6" (notifications), and
bare "§4.6" where the file's context made the document clear. This script maps every such section
to its heading in docs/CONTRACT.md and rewrites the citation to the one form the project uses:

    docs/CONTRACT.md#<anchor>          (code, YAML, XML, plain text)
    [docs/CONTRACT.md#<anchor>](<relative path to docs/CONTRACT.md>#<anchor>)   (Markdown)

Usage (from the repository root):
    python3 docs/tools/cite-contract.py --list      # every distinct section cited, with counts
    python3 docs/tools/cite-contract.py --check     # citations without a mapping (exit 1 if any)
    python3 docs/tools/cite-contract.py --rewrite   # rewrite the files in place
It is idempotent: once rewritten, nothing is left for it to find. ContractCitationsTest keeps it so.
"""
import os
import re
import sys
from collections import Counter

ROOTS = ["src", "routes", "docs", "README.md", "pom.xml", ".ci", "bench", "examples"]
SKIP_DIRS = {"target", ".git", "node_modules", "tools"}
TEXT_EXT = (".java", ".yaml", ".yml", ".md", ".xml", ".json", ".py", ".sh", ".properties", ".txt",
            ".sql", ".ts", ".js", ".toml", ".cfg")
DOC = "docs/CONTRACT.md"

# Which contract a bare "§n" means, when no "RI"/"N" precedes it on the line: per file (path
# prefix), else "RI". Checked by hand against each file's text.
BARE_DEFAULT = [
    ("src/main/java/com/relay/notify/", "N"),
    ("src/test/java/com/relay/notify/", "N"),
    ("src/main/java/com/relay/scheduler/", "N"),
    ("src/test/java/com/relay/scheduler/", "N"),
    ("src/main/java/com/relay/logging/", "N"),
    ("src/test/java/com/relay/logging/", "N"),
    ("src/main/java/com/relay/observability/", "N"),
    ("src/test/java/com/relay/observability/", "N"),
    ("src/main/java/com/relay/api/RelayJwtValidators.java", "N"),
    ("src/main/java/com/relay/api/BearerTokenAuthenticator.java", "N"),
    ("src/main/java/com/relay/api/JwtDecoderConfiguration.java", "N"),
    ("src/main/java/com/relay/api/JwksDiscovery.java", "N"),
    ("src/main/java/com/relay/api/JwtPrincipals.java", "N"),
    ("src/main/java/com/relay/api/CorrelationIds.java", "N"),
    ("src/test/java/com/relay/api/TestTokens.java", "N"),
    ("src/test/java/com/relay/api/JwtTokenVectorsTest.java", "N"),
    ("src/test/java/com/relay/api/JwksDiscoveryTest.java", "N"),
    ("src/test/java/com/relay/api/JwtPrincipalsTest.java", "N"),
    ("src/test/java/com/relay/api/CorrelationIdVectorsTest.java", "N"),
    ("src/test/java/com/relay/api/ObservabilityIT.java", "N"),
    ("src/main/java/com/relay/cli/DlqEntry.java", "N"),
    ("src/main/java/com/relay/cli/DlqNotificationRedrive.java", "N"),
    ("routes/notifications.camel.yaml", "N"),
    ("routes/scheduler.camel.yaml", "N"),
    ("routes/config/notifications-errors.camel.yaml", "N"),
    ("docs/NOTIFICATIONS.md", "N"),
    ("docs/SCHEDULER.md", "N"),
]

# "§" references to other documents than the contract: left alone.
FOREIGN = re.compile(r"(OIDC Discovery|YAML 1\.2(\.2)?|RFC ?\d+|OpenID Connect[\w ]*)\s*$")

PREFIX = r"(?:(?P<pre>RI|N|notifications\.md|relay-inventory\.md)\s+)?"
REF = r"§§?(?P<num>\d+(?:\.\d+)*)(?![\d])"
TOKEN = re.compile(PREFIX + REF)
# A range written "§a–§b" or "§a-§b" or "§§a–b"
RANGE_SEP = re.compile(r"^\s*[–-]\s*§?$")
# A prefix at the end of a line whose next line starts with the section ("RI" / " * §3.9").
WRAPPED_PREFIX = re.compile(r"(?<![\w.])\s*(RI|N|notifications\.md|relay-inventory\.md)\s*$")
CONTINUED_REF = re.compile(r"^\s*(?:\*|//|#)?\s*§")
OF_N = re.compile(r"\s+of\s+notifications\.md")
LIST_SEP = re.compile(r"^\s*(,|/|,? and|,? or|;)\s*$")


# Section of the former specification → heading of docs/CONTRACT.md. "RI" = the relay-inventory
# contract, "N" = the notifications contract. A sub-section without its own row falls back to its
# parent (RI 3.10.4 → RI 3.10).
MAP = {
    "RI 1": "overview", "RI 1.1": "overview", "RI 1.2": "components", "RI 1.3": "run-modes",
    "RI 1.4": "conventions", "RI 1.5": "overview",
    "RI 2": "tenant-configuration", "RI 2.1": "format-and-value-types", "RI 2.2": "schema",
    "RI 2.3": "validation", "RI 2.4": "versioning", "RI 2.5": "tenants-table",
    "RI 2.6": "example-configuration",
    "RI 3": "engine", "RI 3.1": "canonical-record", "RI 3.2": "decoding", "RI 3.3": "csv-dialect",
    "RI 3.4": "header-check-and-required-columns", "RI 3.5": "row-parsing-and-row-errors",
    "RI 3.6": "sku-map", "RI 3.7": "orchestration-streaming-and-memory",
    "RI 3.8": "merge-best-offer", "RI 3.9": "pricing", "RI 3.10": "output-csv-format",
    "RI 3.10.1": "output-columns", "RI 3.10.2": "cell-text", "RI 3.10.3": "row-order",
    "RI 3.10.4": "header-and-delimiter", "RI 3.10.5": "quoting", "RI 3.10.6": "quoting",
    "RI 3.10.7": "quoting",
    "RI 3.11": "error-thresholds", "RI 3.12": "missing-vendors", "RI 3.13": "run-error-codes",
    "RI 4": "run-lifecycle", "RI 4.1": "statuses-and-stages", "RI 4.2": "one-active-run-per-tenant",
    "RI 4.3": "runs-table", "RI 4.4": "job-message", "RI 4.5": "receiving-a-job",
    "RI 4.6": "what-each-step-writes", "RI 4.7": "attempt-outcomes-retry-and-poison",
    "RI 4.8": "worker-loop-and-shutdown", "RI 4.9": "artifacts",
    "RI 4.10": "newest-object-under-a-prefix",
    "RI 5": "http-api", "RI 5.1": "api-conventions", "RI 5.2": "api-errors",
    "RI 5.3": "authentication-and-authorization", "RI 5.4": "endpoints", "RI 5.5": "pagination",
    "RI 6": "metrics-alarms-and-provisioning", "RI 6.1": "run-metrics", "RI 6.2": "run-log-events",
    "RI 6.3": "alarms", "RI 6.4": "provisioning",
    "RI 7": "local-run-cli",
    "RI 8": "environment-variables", "RI 8.1": "general-and-resource-settings",
    "RI 8.2": "general-and-resource-settings", "RI 8.3": "worker-and-engine-settings",
    "RI 8.4": "api-and-authentication-settings", "RI 8.5": "metrics-and-tracing-settings",
    "RI 8.6": "notification-and-scheduler-settings",
    "RI 9": "test-vectors", "RI 9.1": "pricing-vectors", "RI 9.2": "output-formatting-vectors",
    "RI 9.3": "row-parsing-vectors", "RI 9.4": "dialect-and-decoding-vectors",
    "RI 9.5": "sku-map-vectors", "RI 9.6": "merge-vectors", "RI 9.7": "threshold-vectors",
    "RI 9.8": "missing-vendors", "RI 9.9": "end-to-end-worked-example", "RI 9.10": "golden-file",
    "RI 9.11": "run-lifecycle-scenarios", "RI 9.12": "api-and-configuration-scenarios",
    "RI 9.13": "newest-object-selection-vectors", "RI 9.14": "storage-and-cli-checks",
    "N 1": "notifications",
    "N 2": "notification-and-schedule-configuration", "N 2.1": "the-notifications-section",
    "N 2.2": "the-schedule-section", "N 2.3": "token-secret-references",
    "N 2.4": "notification-validation-messages",
    "N 3": "notification-records", "N 3.1": "notifications-table", "N 3.2": "notification-lifecycle",
    "N 3.3": "link-with-the-run-record",
    "N 4": "notification-delivery", "N 4.1": "notifications-queue",
    "N 4.2": "creation-enqueue-and-the-sweeper", "N 4.3": "processing-a-notification-message",
    "N 4.4": "the-ntfy-request", "N 4.5": "classification-of-an-attempt",
    "N 4.6": "notification-retry-policy", "N 4.7": "circuit-breaker",
    "N 4.8": "deferral-while-the-circuit-is-open", "N 4.9": "durability-walk-through",
    "N 5": "notification-and-metrics-api", "N 5.1": "notification-resource",
    "N 5.2": "listing-notifications", "N 5.3": "reading-one-notification",
    "N 5.4": "sending-a-manual-message", "N 5.5": "the-metrics-endpoint",
    "N 6": "scheduled-runs", "N 6.1": "scheduler-tick", "N 6.2": "which-tenants-fire",
    "N 6.3": "one-run-per-fire", "N 6.4": "creating-the-scheduled-run",
    "N 7": "correlation-ids",
    "N 8": "logging-tracing-metrics-alarms-and-slos", "N 8.1": "structured-logging",
    "N 8.2": "tracing", "N 8.3": "notification-and-api-metrics", "N 8.4": "notification-alarms",
    "N 8.5": "service-level-objectives",
    "N 9": "jwt-bearer-authentication", "N 9.1": "jwt-configuration", "N 9.2": "token-validation",
    "N 9.3": "claims-to-principal", "N 9.4": "principal-ids",
    "N 10": "test-vectors", "N 10.1": "notification-retry-timing-vectors",
    "N 10.2": "classification-vectors", "N 10.3": "circuit-breaker-vectors",
    "N 10.4": "outage-scenario-vectors", "N 10.5": "ntfy-request-vectors",
    "N 10.6": "notification-lifecycle-scenarios", "N 10.7": "scheduler-vectors",
    "N 10.8": "correlation-id-vectors", "N 10.9": "jwt-vectors", "N 10.10": "metrics-endpoint-vectors",
}

# Anchors of area-doc headings that used to carry a section number ("## Shutdown (RI §4.8)").
ANCHOR_RENAMES = {
    "WORKER.md#receiving-a-job-ri-45": "WORKER.md#receiving-a-job",
    "WORKER.md#stages-ri-46": "WORKER.md#stages",
    "WORKER.md#when-things-go-wrong-ri-47": "WORKER.md#when-things-go-wrong",
    "WORKER.md#shutdown-ri-48": "WORKER.md#shutdown",
    "WORKER.md#metrics-and-alarms-ri-61-63": "WORKER.md#metrics-and-alarms",
    "API.md#authentication-ri-53": "API.md#authentication",
    "API.md#errors-ri-52": "API.md#errors",
    "API.md#pagination-ri-55": "API.md#pagination",
    "API.md#jwt-bearer-tokens-notificationsmd-9": "API.md#jwt-bearer-tokens",
    "API.md#notifications-and-metrics-notificationsmd-5": "API.md#notifications-and-metrics",
    "NOTIFICATIONS.md#delivering-one-message-43": "NOTIFICATIONS.md#delivering-one-message",
    "NOTIFICATIONS.md#retry-46": "NOTIFICATIONS.md#retry",
    "NOTIFICATIONS.md#circuit-breaker-47": "NOTIFICATIONS.md#circuit-breaker",
    "NOTIFICATIONS.md#deferral-48": "NOTIFICATIONS.md#deferral",
    "NOTIFICATIONS.md#the-ntfy-request-44": "NOTIFICATIONS.md#the-ntfy-request",
    "NOTIFICATIONS.md#token-secrets-23": "NOTIFICATIONS.md#token-secrets",
}


def files():
    for root in ROOTS:
        if os.path.isfile(root):
            yield root
            continue
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in SKIP_DIRS]
            for n in names:
                if n.endswith(TEXT_EXT):
                    yield os.path.join(d, n)


def bare_default(path):
    for prefix, spec in BARE_DEFAULT:
        if path.startswith(prefix):
            return spec
    return "RI"


def spec_of(pre):
    return {"RI": "RI", "relay-inventory.md": "RI", "N": "N", "notifications.md": "N"}[pre]


def citations(path, line, current=None):
    """Yields (start, end, spec, num, kind) for each contract reference on a line; kind is 'first',
    'list' (continues a list after a prefixed one) or 'range-end'. current: the contract named at
    the end of the previous line ("… notifications.md" / "§4.1 …" wrapped in a comment)."""
    last_end = None
    for m in TOKEN.finditer(line):
        before = line[:m.start()]
        if m.group("pre") is None and FOREIGN.search(before):
            continue
        # "RI §" / "N §" only count as a prefix when they stand alone (not the end of a word)
        pre = m.group("pre")
        if pre is not None and m.start() > 0 and (line[m.start() - 1].isalnum() or line[m.start() - 1] in "_."):
            pre = None
        gap = line[last_end:m.start()] if last_end is not None else None
        kind = "first"
        if pre is not None:
            current = spec_of(pre)
            spec = current
        elif gap is not None and current is not None and (RANGE_SEP.match(gap) or LIST_SEP.match(gap)):
            spec = current
            kind = "range-end" if RANGE_SEP.match(gap) else "list"
        elif OF_N.match(line, m.end()):
            spec = "N"  # "§4.4 of notifications.md"
        elif current is not None:
            spec = current  # a bare "§n" later on a line that named its contract
        else:
            spec = bare_default(path)
            current = spec
        # the replacement covers the prefix ("RI ", "notifications.md ") when there is one
        start = m.start() if pre is not None else m.start() + m.group(0).index("§")
        end = m.end()
        of_n = OF_N.match(line, end)
        if of_n and spec == "N":
            end = of_n.end()
        yield start, end, spec, m.group("num"), kind
        last_end = end


def anchor(spec, num):
    key = f"{spec} {num}"
    while key not in MAP and "." in num:  # §3.10.3 → §3.10 when no finer heading exists
        num = num.rsplit(".", 1)[0]
        key = f"{spec} {num}"
    return MAP.get(key)


def render(path, anc):
    target = f"{DOC}#{anc}"
    if path.endswith(".md"):
        rel = os.path.relpath(DOC, os.path.dirname(path) or ".")
        return f"[{target}]({rel}#{anc})"
    return target


def rewrite_line(path, line, current=None):
    out, pos, missing = [], 0, []
    cites = list(citations(path, line, current))
    for i, (s, e, spec, num, kind) in enumerate(cites):
        anc = anchor(spec, num)
        if anc is None:
            missing.append(f"{spec} §{num}")
            continue
        text = render(path, anc)
        gap_start = pos
        if kind == "range-end":
            # "…#a–§b" → "…#a to …#b"
            out.append(line[pos:s].rstrip().rstrip("–-").rstrip() + " to ")
        elif kind == "list" and line[pos:s].strip() == "/":
            out.append(", ")  # "§4.5/§4.7" → "…#a, …#b"
        else:
            out.append(line[gap_start:s])
        out.append(text)
        pos = e
    out.append(line[pos:])
    text = "".join(out)
    for old, new in ANCHOR_RENAMES.items():
        text = re.sub(re.escape(old) + r"(?![\w-])", new, text)
    return text, missing


def main(argv):
    mode = argv[1] if len(argv) > 1 else "--list"
    counts, missing = Counter(), Counter()
    changed = 0
    for path in files():
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        if "§" not in text and not any(k in text for k in ANCHOR_RENAMES):
            continue
        lines = text.split("\n")
        new = []
        carried = None
        for i, line in enumerate(lines):
            current, carried = carried, None
            wrapped = WRAPPED_PREFIX.search(line)
            if wrapped and i + 1 < len(lines) and CONTINUED_REF.match(lines[i + 1]):
                carried = spec_of(wrapped.group(1))
                line = line[:wrapped.start()].rstrip()
            for s, e, spec, num, kind in citations(path, line, current):
                counts[f"{spec} §{num}"] += 1
                if anchor(spec, num) is None:
                    missing[f"{spec} §{num}  ({path})"] += 1
            if mode == "--rewrite":
                line, _ = rewrite_line(path, line, current)
            new.append(line)
        if mode == "--rewrite":
            out = "\n".join(new)
            if out != text:
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(out)
                changed += 1
    if mode == "--list":
        for k, v in sorted(counts.items(), key=lambda kv: (kv[0].split()[0], [int(x) for x in kv[0].split("§")[1].split(".")])):
            print(f"{v:4d}  {k}  -> {anchor(*k.replace('§', '').split()) or '??'}")
    for k, v in sorted(missing.items()):
        print(f"UNMAPPED {v:3d}  {k}", file=sys.stderr)
    if mode == "--rewrite":
        print(f"rewrote {changed} files", file=sys.stderr)
    return 1 if missing and mode != "--list" else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))

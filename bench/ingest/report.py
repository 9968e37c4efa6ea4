"""What the benchmark prints and writes: timestamped progress lines, the server log's error
lines, the figures of one backend as text and as bench/out/ingest-<backend>.json."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from bench.ingest.config import OUT, STATUSES


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def scan_log(path: Path) -> dict[str, Any]:
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    bad = [
        ln
        for ln in lines
        if "Traceback" in ln
        or re.search(r'"level"\s*:\s*"(error|critical)"', ln, re.I)
        or " ERROR " in ln
    ]
    return {
        "lines": len(lines),
        "error_lines": len(bad),
        "first_errors": [b[:400] for b in bad[:5]],
    }


def report(r: dict[str, Any]) -> str:
    s, bl, fe = r["summary"], r["batch_latency_ms"], r["feed_to_event_ms"]
    c, su = r["config"], r["setup"]
    lines = [
        f"--- ingest benchmark: {r['backend']} ---",
        f"backend            {r['backend']}  (workers {r['workers']}, server processes "
        f"{r['server_processes']}, redis {c['redis'] or 'no'})",
        f"config             {c['citizens']:,} citizens, batch {c['batch']}, "
        f"{c['clients']} clients, sample {c['sample']}",
        f"setup              {r['setup_s']:.1f} s (link {su['link_citizens_s']:.1f} s = "
        f"{su['citizens_per_s']:.0f} citizens/s; network {su['network_import_s']:.2f} s; "
        f"backdate {su['backdate_s']:.2f} s)",
        "setup requests     "
        + "; ".join(
            f"{k} p50 {v['p50']} / p99 {v['p99']} ms"
            for k, v in r["setup"]["request_latency_ms"].items()
        ),
        f"trips sent         {r['trips_sent']:,} in {r['batches']} batches "
        f"({r['records_in_responses']:,} results back, {r['http_errors']} HTTP errors, "
        f"{r['retries_503']} retries after 503)",
        "statuses           " + ", ".join(f"{k} {s[k]:,}" for k in STATUSES),
        f"wall time          {r['wall_s']:.2f} s",
        f"throughput         {r['credited_per_s']:,.0f} credited trips/s, "
        f"{r['records_per_s']:,.0f} records/s",
        "cpu seconds        setup: "
        + ", ".join(f"{k} {v}" for k, v in r["setup"]["cpu_s"].items())
        + "; ingest: "
        + ", ".join(f"{k} {v}" for k, v in r["ingest_cpu_s"].items()),
        f"batch latency      p50 {bl['p50']} ms, p99 {bl['p99']} ms, max {bl['max']} ms "
        f"(n={bl['n']})",
        f"feed-to-event      p50 {fe['p50']} ms, p99 {fe['p99']} ms, max {fe['max']} ms "
        f"({r['events_received']}/{r['events_received'] + r['events_missing']} events received)",
        f"event streams      {r['event_streams']['drops']} drops/reconnects "
        f"{r['event_streams']['drop_reasons']}; events seen {r['event_streams']['events']}",
        f"peak server RSS    {r['peak_rss_mib']:.1f} MiB (polled sum of VmRSS; sum of per-process "
        f"VmHWM {r['sum_vmhwm_mib']:.1f} MiB)",
        f"database           trips {r['database']['trips_by_status']}, postings "
        f"{r['database']['postings']:,}, points credited {r['database']['points_credited']:,}",
        f"server log         {r['server_log']['path']}: {r['server_log']['lines']} lines, "
        f"{r['server_log']['error_lines']} error lines",
    ]
    if r.get("pg_activity_during_ingest"):
        lines.append("pg activity        (non-idle backends on average, by statement and wait)")
        for a in r["pg_activity_during_ingest"][:8]:
            lines.append(f"  {a['avg_backends']:5.2f}  {a['wait']:<28} {a['query']}")
    if r.get("pg_table_scans_during_ingest"):
        lines.append(
            "pg table scans     (during ingest: seq scans, rows read by them, index scans)"
        )
        for t in r["pg_table_scans_during_ingest"][:6]:
            lines.append(
                f"  {t['table']:<20} seq_scan {t['seq_scan']:>7,}  seq_tup_read "
                f"{t['seq_tup_read']:>14,}  idx_scan {t['idx_scan']:>9,}  rows {t['rows_after']:,}"
            )
    for e in r.get("retry_samples", []):
        lines.append(f"  retried: {e}")
    for e in r["http_error_samples"]:
        lines.append(f"  http error: {e}")
    for e in r["server_log"]["first_errors"]:
        lines.append(f"  server log: {e}")
    return "\n".join(lines)


def publish(name: str, r: dict[str, Any]) -> None:
    """Print one backend's figures and write them to bench/out/ingest-<backend>.json."""
    text = report(r)
    print("\n" + text, flush=True)
    (OUT / f"ingest-{name}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False))
    log(f"figures written to bench/out/ingest-{name}.json")

"""What the benchmark prints and writes: the figures of a run as text and as
bench/out/redeem-<backend>.json, with loud lines for every broken expectation."""

from __future__ import annotations

import json
from typing import Any

from bench.ingest.config import OUT
from bench.ingest.report import log
from bench.redeem.config import TARGET_P99_MS, TARGET_REDEMPTIONS_PER_S


def _lat(d: dict[str, Any]) -> str:
    return f"p50 {d['p50']} ms, p99 {d['p99']} ms, max {d['max']} ms (n={d['n']:,})"


def target_met(rd: dict[str, Any]) -> bool:
    p99 = rd["latency_ms"]["p99"]
    return (
        rd["redemptions_per_s"] >= TARGET_REDEMPTIONS_PER_S
        and p99 is not None
        and (p99 < TARGET_P99_MS)
    )


def problems(r: dict[str, Any]) -> list[str]:
    """The broken expectations of a run, each as one loud line (the target is not one)."""
    out = []
    c, p, t, rc = r["config"], r["purchases"], r["redemptions"]["tally"], r["retry_check"]
    v = c["vouchers"]
    if p["created_201"] != v:
        out.append(f"MISMATCH: {p['created_201']:,} purchases answered 201, expected {v:,}")
    if t["successes"] != v:
        out.append(f"MISMATCH: {t['successes']:,} successful redemptions (200), expected {v:,}")
    if t["vouchers_redeemed_once"] != t["vouchers"]:
        out.append(
            f"MISMATCH: {t['vouchers_redeemed_once']:,}/{t['vouchers']:,} vouchers answered 200 "
            f"exactly once ({t['vouchers_never_redeemed']:,} never, "
            f"{t['vouchers_redeemed_twice_or_more']:,} twice or more)"
        )
    if t["wrong_voucher_in_200"]:
        out.append(
            f"MISMATCH: {t['wrong_voucher_in_200']} answers 200 named another voucher than the "
            "one scanned"
        )
    if t["unexpected_answers"]:
        out.append(
            f"UNEXPECTED: {t['unexpected_answers']:,} scans answered neither 200 nor 409 "
            f"already_redeemed (statuses {t['statuses']}, 409 codes {t['codes_409']})"
        )
    if rc["ok_200"] != rc["sent"]:
        out.append(
            f"RETRY MISMATCH: {rc['ok_200']}/{rc['sent']} scans re-sent with their original nonce "
            "answered 200"
        )
    db = r.get("database") or {}
    redeemed = db.get("vouchers_by_status", {}).get("redeemed")
    if db and redeemed != t["successes"]:
        out.append(
            f"MISMATCH: the database holds {redeemed} redeemed vouchers, the scans got "
            f"{t['successes']} 200s"
        )
    if r.get("verify", {}).get("ok") is False:
        out.append("VERIFY FAILED: `puhui verify` after the run: " + r["verify"]["output"][-400:])
    return out


def report(r: dict[str, Any]) -> str:
    c, su, p, rd, rc = r["config"], r["setup"], r["purchases"], r["redemptions"], r["retry_check"]
    t, rss = rd["tally"], r["rss_after_mib"]
    lines = [
        f"--- redemption benchmark: {r['backend']} ---",
        f"backend            {r['backend']}  (workers {r['workers']}, server processes "
        f"{r['server_processes']}, redis {c['redis'] or 'no'})",
        f"config             {c['vouchers']:,} vouchers, {c['citizens']:,} citizens, "
        f"{c['scans']:,} scans ({c['scans_per_voucher']} per voucher, "
        f"{c['code_fraction']:.0%} by code), {c['clients']} clients",
        f"setup              {su['total_s']:.1f} s (staff CLI {su['staff_cli_s']:.1f} s; "
        f"merchant, store, cashier, offer {su['merchant_offer_s']:.2f} s; {c['citizens']:,} "
        f"citizens signed in, consenting and funded {su['citizens_s']:.1f} s = "
        f"{su['citizens_per_s']:.0f}/s)",
        "setup requests     "
        + "; ".join(f"{k} p50 {v['p50']} / p99 {v['p99']} ms" for k, v in su["request_ms"].items()),
        f"purchases          {p['created_201']:,}/{c['vouchers']:,} answered 201 in "
        f"{p['wall_s']:.2f} s = {p['purchases_per_s']:,.0f} purchases/s; statuses {p['statuses']}"
        + (f", refusals {p['codes']}" if p["codes"] else "")
        + (f", {p['retries_503']} retries after 503" if p["retries_503"] else ""),
        f"purchase latency   {_lat(p['latency_ms'])}",
        f"scans              {c['scans']:,} in {rd['wall_s']:.2f} s = {rd['scans_per_s']:,.0f} "
        f"scans/s; statuses {t['statuses']}, 409 codes {t['codes_409']}"
        + (f", {rd['retries_503']} retries after 503" if rd["retries_503"] else ""),
        f"redemptions        {t['successes']:,} successful (expected {c['vouchers']:,}); "
        f"{t['vouchers_redeemed_once']:,} vouchers redeemed exactly once, "
        f"{t['vouchers_never_redeemed']} never, {t['vouchers_redeemed_twice_or_more']} more "
        "than once",
        f"throughput         {rd['redemptions_per_s']:,.0f} redemptions/s (200s / wall time), "
        f"{rd['scans_per_s']:,.0f} scans/s",
        f"scan latency       {_lat(rd['latency_ms'])}",
        f"  by kind          token {_lat(rd['latency_by_kind_ms']['token'])}; "
        f"code {_lat(rd['latency_by_kind_ms']['code'])}",
        f"  by answer        200 {_lat(rd['latency_by_status_ms']['200'])}; "
        f"409 {_lat(rd['latency_by_status_ms']['409'])}",
        f"concurrency        {rd['vouchers_scanned_concurrently']:,} vouchers had two scans in "
        f"flight at once ({rd['vouchers_near_in_plan']:,} had two scans < {c['clients']} places "
        "apart in the shuffled list)",
        f"retry check        {rc['ok_200']}/{rc['sent']} successful scans re-sent with their "
        f"original nonce answered 200 again ({rc['same_answer']} with the same voucher_id and "
        f"redeemed_at); statuses {rc['statuses']}",
        f"target             >= {TARGET_REDEMPTIONS_PER_S:,} redemptions/s with p99 < "
        f"{TARGET_P99_MS} ms (2-core machine): {'MET' if target_met(rd) else 'NOT MET'} "
        f"({rd['redemptions_per_s']:,.0f} redemptions/s, p99 {rd['latency_ms']['p99']} ms)",
        "cpu seconds        "
        + "; ".join(
            f"{ph}: " + ", ".join(f"{k} {v}" for k, v in r["cpu_s"][ph].items())
            for ph in r["cpu_s"]
        ),
        "server processes   cpu seconds per process, busiest first: "
        + "; ".join(
            f"{ph}: " + ", ".join(str(x) for x in v)
            for ph, v in r["server_cpu_s_by_process"].items()
        ),
        f"peak server RSS    {r['peak_rss_mib']:.1f} MiB (polled sum of VmRSS; by the end of "
        f"setup {rss['setup']:.1f}, purchases {rss['purchases']:.1f}, redemptions "
        f"{rss['redemptions']:.1f}; sum of per-process VmHWM {r['sum_vmhwm_mib']:.1f} MiB)",
    ]
    busy = r["cpu_s"]["redemptions"]
    if busy.get("other", 0) > 0.2 * busy["wall"]:
        lines.append(
            f"  NOTE: other processes (Redis, or anything else on the machine) were busy for "
            f"{busy['other']} CPU s during the {busy['wall']} s of scans: the machine was not "
            "quiet, the figures are disturbed"
        )
    db = r.get("database")
    if db:
        lines.append(
            f"database           vouchers {db['vouchers_by_status']}, redeemed with a nonce "
            f"{db['redeemed_with_nonce']:,}, conflicts {db['redemption_conflicts']}, "
            f"postings {db['postings_by_kind']}"
        )
    if r.get("verify"):
        v = r["verify"]
        last = v["output"].strip().splitlines()[-1:]
        lines.append(f"puhui verify       {'ok' if v['ok'] else 'FAILED'} {last}")
    if r.get("pg_activity_during_redemptions"):
        lines.append(
            "pg activity        (during the scans: non-idle backends on average, by statement "
            "and wait)"
        )
        for a in r["pg_activity_during_redemptions"][:8]:
            lines.append(f"  {a['avg_backends']:5.2f}  {a['wait']:<28} {a['query']}")
    if r.get("pg_table_scans_during_redemptions"):
        lines.append(
            "pg table scans     (during the scans: seq scans, rows read by them, index scans)"
        )
        for s in r["pg_table_scans_during_redemptions"][:6]:
            lines.append(
                f"  {s['table']:<20} seq_scan {s['seq_scan']:>7,}  seq_tup_read "
                f"{s['seq_tup_read']:>12,}  idx_scan {s['idx_scan']:>9,}  rows {s['rows_after']:,}"
            )
    lines.append(
        f"server log         {r['server_log']['path']}: {r['server_log']['lines']} lines, "
        f"{r['server_log']['error_lines']} error lines"
    )
    for e in p["error_samples"][:5]:
        lines.append(f"  purchase error: {e}")
    for e in rd["unexpected_samples"][:5]:
        lines.append(f"  unexpected scan answer: {e}")
    for e in rc["samples"][:3]:
        lines.append(f"  retry check: {e}")
    for e in r["server_log"]["first_errors"]:
        lines.append(f"  server log: {e}")
    for e in problems(r):
        lines.append(f"!!! {e}")
    return "\n".join(lines)


def publish(name: str, r: dict[str, Any]) -> None:
    """Print the figures and write them to bench/out/redeem-<backend>.json."""
    print("\n" + report(r), flush=True)
    (OUT / f"redeem-{name}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False))
    log(f"figures written to bench/out/redeem-{name}.json")

"""What the drill prints, and writes to bench/out/drill/drill.json."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from bench.drill.config import DRILL_OUT
from bench.drill.schedule import KILL
from bench.drill.verdict import Figures
from bench.ingest.report import scan_log
from bench.ingest.stats import dist_summary

SHOWN = 5  # examples printed per kind of trouble


def summary(f: Figures) -> dict[str, Any]:
    a, c, b = f.accounting, f.controller, f.book
    kills = [s for s in c.struck if s.kind == KILL]
    redis = [s for s in c.struck if s.kind != KILL]
    logs = [{"path": str(p.name), **scan_log(p)} for p in f.lives.log_paths]
    return {
        "config": asdict(f.cfg),
        "kills_survived": len(kills),
        "kills_planned": f.cfg.kills,
        "processes_killed": [s.processes for s in kills],
        "kill_progress": [round(s.progress, 3) for s in kills],
        "requests_in_flight_at_kill": [s.in_flight for s in kills],
        "plan_batches_in_flight_at_kill": [s.plan_in_flight for s in kills],
        "server_back_s": dist_summary([s.down_s for s in kills]),
        "redis_restarts": len(redis),
        "redis_restart_progress": [round(s.progress, 3) for s in redis],
        "server_lives": f.lives.lives,
        "batches": f.batches,
        "sends": b.sends,
        "resent": b.resent,
        "resent_batches": b.resent_batches,
        "resent_found": dict(b.resend_found),
        "fillers": b.fillers,
        "no_answer": dict(b.failures.most_common()),
        "answers": dict(b.summary),
        "trips_sent": a.sent,
        "trips_stored": a.stored,
        "stored_outcomes": dict(a.outcomes.most_common()),
        "credited_once": a.credited_once,
        "credited_twice": len(a.doubled),
        "lost": len(a.lost),
        "inconsistent": len(a.wrong),
        "strays": len(a.strays),
        "never_answered": len(a.unanswered),
        "examples": {
            "doubled": a.doubled[:SHOWN],
            "lost": a.lost[:SHOWN],
            "inconsistent": a.wrong[:SHOWN],
            "strays": a.strays[:SHOWN],
            "answer_problems": (b.problems + f.replay.problems)[:SHOWN],
        },
        "checks": [{"name": k.name, "ok": k.ok, "detail": k.detail} for k in f.checks],
        "server_logs": logs,
        "failures": f.failures(),
        "ok": f.ok,
    }


def text(s: dict[str, Any]) -> str:
    back = s["server_back_s"]
    lines = [
        "--- fault drill ---",
        f"kills survived     {s['kills_survived']} of {s['kills_planned']} planned (SIGKILL to "
        f"the whole tree: {s['processes_killed']} processes; {s['requests_in_flight_at_kill']} "
        f"requests in flight, {s['plan_batches_in_flight_at_kill']} of them batches of the plan; "
        f"server back in p50 {back['p50']} s, max {back['max']} s)",
        f"redis restarts     {s['redis_restarts']} (killed, nothing persisted, started again; "
        "the server left running)",
        f"load               {s['batches']} batches from {s['config']['clients']} clients: "
        f"{s['sends']:,} sends; {s['resent_batches']:,} batches re-sent for want of an answer "
        f"({s['resent']:,} attempts beyond the first, while the server was down); "
        f"{s['fillers']:,} filler replays while faults remained",
        "re-sends found     "
        + (", ".join(f"{k} {v}" for k, v in s["resent_found"].items()) or "nothing re-sent"),
        "no answer          "
        + (", ".join(f"{k} x{v}" for k, v in s["no_answer"].items()) or "none"),
        f"trips sent         {s['trips_sent']:,}",
        f"trips stored       {s['trips_stored']:,}: "
        + ", ".join(f"{k} {v:,}" for k, v in s["stored_outcomes"].items()),
        f"credited once      {s['credited_once']:,}",
        f"credited twice     {s['credited_twice']:,}",
        f"lost               {s['lost']:,}",
        f"inconsistent       {s['inconsistent']:,} (answers vs rows); strays {s['strays']:,}; "
        f"never answered {s['never_answered']:,}",
    ]
    for kind, examples in s["examples"].items():
        lines.extend(f"  {kind}: {e}" for e in examples)
    for k in s["checks"]:
        lines.append(f"check {'ok  ' if k['ok'] else 'FAIL'}         {k['name']}: {k['detail']}")
    errors = sum(g["error_lines"] for g in s["server_logs"])
    lines.append(
        f"server logs        {len(s['server_logs'])} lives in bench/out/drill/, "
        f"{errors} error lines (expected around kills and Redis restarts)"
    )
    verdict = "PASS" if s["ok"] else "FAIL: " + "; ".join(s["failures"])
    lines.append(f"result             {verdict}")
    return "\n".join(lines)


def publish(f: Figures) -> None:
    s = summary(f)
    print("\n" + text(s), flush=True)
    (DRILL_OUT / "drill.json").write_text(json.dumps(s, indent=2, ensure_ascii=False))

"""The drill end to end: database, Redis, service and citizens; the load with its faults; the
replay of every batch; the database read back and checked (everything stopped and the database
dropped even on failure)."""

from __future__ import annotations

import asyncio
import random
import secrets
import shutil

from bench.drill import database
from bench.drill.accounting import account
from bench.drill.balances import cached_balances, earn_from_issuance, postings_sum_to_zero
from bench.drill.batches import make_batches, sent_trip_ids
from bench.drill.config import DRILL_OUT, WORKERS, Config
from bench.drill.faults import FaultController
from bench.drill.lives import ServerLives
from bench.drill.redis_server import RedisServer
from bench.drill.schedule import describe, make_schedule
from bench.drill.sends import SendBook, answers_of
from bench.drill.setup import create_operator_and_admin, link
from bench.drill.traffic import push
from bench.drill.verdict import Figures, replay_check, verify_check
from bench.ingest.report import log
from bench.ingest.server import free_port, puhui, service_env


def run_drill(cfg: Config) -> Figures:
    shutil.rmtree(DRILL_OUT, ignore_errors=True)  # the last run's logs must not be blamed on this
    DRILL_OUT.mkdir(parents=True)
    run = secrets.token_hex(3)
    db = database.DrillDatabase()
    redis = RedisServer(DRILL_OUT / "redis.log")
    env = service_env(db.url, free_port(), WORKERS, redis.url)
    lives = ServerLives(env)
    icfg = cfg.for_ingest(redis.url)
    try:
        db.create()
        redis.start()
        log(f"redis-server on 127.0.0.1:{redis.port} (nothing persisted)")
        puhui(env, "migrate")
        setup, password = create_operator_and_admin(env)
        lives.start()
        log(f"server up on {lives.base}, {WORKERS} workers, in {lives.start_s[0]:.1f} s")
        link(lives.base, db.url, icfg, setup, password, run)
        log(f"{cfg.citizens:,} citizens signed in, consenting and linked")

        batches = make_batches(icfg, run, setup.citizen_ids)
        schedule = make_schedule(random.Random(cfg.seed), cfg.kills, cfg.redis_restarts)
        log(
            f"plan (seed {cfg.seed}): {cfg.trips:,} trips in {len(batches)} batches; "
            f"faults: {describe(schedule)}"
        )
        book = SendBook(batches)
        controller = FaultController(schedule, book, lives, redis, cfg.redis_down_s, cfg.clients)
        asyncio.run(push(lives.base, setup, book, cfg.clients, controller, "load"))
        log(f"load done: {len(book.answered)} batches answered, {book.sends} sends")

        before = asyncio.run(database.postings(db.url))
        replay = SendBook(batches)
        asyncio.run(push(lives.base, setup, replay, cfg.clients, None, "replay"))
        after = asyncio.run(database.postings(db.url))
        log(f"replay done: {dict(replay.summary)}; postings {before:,} -> {after:,}")

        lives.stop()  # nothing (jobs included) writes while the ledger is read and verified
        log("server stopped; reading the database back")
        snap = asyncio.run(database.snapshot(db.url, setup.operator_id))
        answers = answers_of(book, replay)
        acc = account(sent_trip_ids(batches), snap.trips, snap.earns, answers)
        checks = [
            replay_check(replay, before, after),
            postings_sum_to_zero(snap.flows),
            earn_from_issuance(snap.flows, snap.accounts, snap.credited_points),
            *cached_balances(snap.flows, snap.accounts, snap.chain_lengths, snap.lots_remaining),
            verify_check(env),
        ]
        log("checks done")
        return Figures(
            cfg=cfg,
            batches=len(batches),
            book=book,
            replay=replay,
            controller=controller,
            lives=lives,
            accounting=acc,
            checks=checks,
        )
    finally:
        lives.stop()
        redis.stop()
        db.drop()

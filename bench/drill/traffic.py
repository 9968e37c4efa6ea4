"""The load: concurrent clients push the signed batches of a SendBook until every batch has its
answer; an attempt without one (refused, cut off by a kill, any status but 200) puts the batch
back to be sent again, with a fresh nonce and timestamp."""

from __future__ import annotations

import asyncio
import contextlib
import time

import httpx

from bench.drill.faults import FaultController
from bench.drill.sends import SendBook
from bench.ingest.report import log
from bench.ingest.setup import Setup
from bench.ingest.signing import signed_headers

PAUSE_S = (0.05, 1.0)  # after an attempt without an answer: doubling from, up to (Retry-After too)
STALL_S = 120.0  # no batch answered for this long: the rest are given up, the checks still run


def _why(r: httpx.Response) -> str:
    code = None
    with contextlib.suppress(Exception):
        code = r.json().get("code")
    return f"HTTP {r.status_code}" + (f" {code}" if code else "")


async def _client(base: str, setup: Setup, book: SendBook) -> None:
    path = f"/v1/operators/{setup.operator_id}/trips"
    timeout = httpx.Timeout(120.0, connect=5.0)
    async with httpx.AsyncClient(
        base_url=base, timeout=timeout, limits=httpx.Limits(max_connections=1)
    ) as client:
        failed = 0  # attempts in a row without an answer: the pause doubles, up to a second
        while not book.done:
            batch, filler = book.take(), False
            if batch is None:
                batch, filler = book.take_filler(), True
            if batch is None:  # the rest are in flight; one may come back without an answer
                await asyncio.sleep(0.02)
                continue
            headers = signed_headers(setup.key_id, setup.secret, path, batch.sha)
            why = ""
            try:
                r = await client.post(path, content=batch.body, headers=headers)
                results = r.json()["results"] if r.status_code == 200 else None
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                r, results, why = None, None, type(exc).__name__
            if results is not None:
                book.answer(batch.index, results, filler)
                failed = 0
                continue
            book.no_answer(batch.index, why if r is None else _why(r), filler)
            pause = min(PAUSE_S[0] * 2**failed, PAUSE_S[1])
            failed += 1
            if r is not None and r.headers.get("retry-after", "").isdigit():
                pause = min(float(r.headers["retry-after"]), PAUSE_S[1])
            await asyncio.sleep(pause)


async def _progress(book: SendBook, what: str) -> None:
    step, shown = 0.1, 0.0
    answered, since = 0, time.monotonic()
    while not book.done:
        if book.answered_total != answered:
            answered, since = book.answered_total, time.monotonic()
        elif time.monotonic() - since > STALL_S and not book.abandoned:
            log(f"  {what}: no batch answered for {STALL_S:.0f} s; giving up {book.waiting}")
            book.abandon()
        if book.progress >= shown + step:
            shown = book.progress
            log(
                f"  {what}: {len(book.answered)}/{len(book.batches)} batches answered, "
                f"{book.resent_batches} re-sent"
                + (f", {book.fillers} fillers" if book.fillers else "")
            )
        await asyncio.sleep(0.1)


async def push(
    base: str,
    setup: Setup,
    book: SendBook,
    clients: int,
    controller: FaultController | None,
    what: str,
) -> None:
    """Until every batch is answered (or given up), with the faults striking meanwhile."""
    async with asyncio.TaskGroup() as tg:  # a failed fault (a server that won't start) ends all
        for _ in range(clients):
            tg.create_task(_client(base, setup, book))
        tg.create_task(_progress(book, what))
        if controller is not None:
            tg.create_task(controller.run())

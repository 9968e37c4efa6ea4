"""Before the drill: one metro operator and an admin through the CLI, then (over HTTP, with
bench.ingest's helpers) the demo network, the citizens signed in, consenting and linked, and
their consent backdated so that the trips count."""

from __future__ import annotations

import asyncio
import re
import secrets

from bench.ingest.config import Config as IngestConfig
from bench.ingest.server import puhui
from bench.ingest.setup import Setup, backdate_consent, import_network, link_citizens


def create_operator_and_admin(env: dict[str, str]) -> tuple[Setup, str]:
    """The operator's credentials, and the admin's password (the admin is `drilladmin`)."""
    out = puhui(env, "create-operator", "--name", "drill-metro", "--kind", "metro")
    m = re.search(r"id=(\S+)\s+key id: (\S+)\s+secret: (\S+)", out)
    if not m:
        raise RuntimeError(f"cannot read the operator from: {out!r}")
    password = secrets.token_urlsafe(16)
    admin = ("--username", "drilladmin", "--role", "admin", f"--password={password}")
    puhui(env, "create-staff", *admin)  # --password= form: a random password may start with "-"
    return Setup(operator_id=m.group(1), key_id=m.group(2), secret=m.group(3)), password


def link(base: str, db_url: str, cfg: IngestConfig, setup: Setup, password: str, run: str) -> None:
    asyncio.run(import_network(base, setup, "drilladmin", password))
    asyncio.run(link_citizens(base, cfg, setup, run))
    asyncio.run(backdate_consent(db_url, cfg.citizens))

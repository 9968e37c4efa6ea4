"""What each `puhui` sub-command does. Each command is one unit of work (one commit)."""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec

from api.services import _live_wechatpay
from api.settings import Settings, alert_thresholds, load
from demo.loader import load_demo, save_credentials
from domain import errors
from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.governance.audit import CLI
from domain.identity import staff
from domain.identity.principal import Role
from domain.ledger import checkpoints
from domain.ledger.verify import verify_ledger
from domain.operators import service as operators
from domain.persistence.engine import build_engine
from domain.persistence.uow import Database
from domain.vouchers import tokens
from jobs import checkpoint, reconcile_payments, supervision
from migrations import runner


class CommandError(Exception):
    pass


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How `puhui serve` runs uvicorn. Its own proxy-header handling is off (it believes
    X-Forwarded-For from 127.0.0.1 by default): api/client_address.py believes it only from
    PUHUI_TRUSTED_PROXIES."""
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "log_config": None,
        "proxy_headers": False,
        "access_log": False,
        "timeout_graceful_shutdown": 10,  # open SSE streams and WebSockets do not block a deploy
    }


def serve() -> int:
    import uvicorn

    uvicorn.run("api.asgi:app", **uvicorn_options(load()))
    return 0


class _PublicKey(msgspec.Struct):
    key_id: str
    algorithm: str
    public_key: str  # "active" is ignored: every listed key verifies


class _PublicKeys(msgspec.Struct):
    keys: list[_PublicKey]


def instant(text: str) -> datetime:
    """An ISO 8601 instant for argparse; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def verify_token(token: str, keys_file: str, now: datetime | None) -> int:
    """Check a voucher token against the keys a merchant downloaded; no database, no settings.

    Every Ed25519 key listed verifies, active or not (an older key vouches for its own tokens).
    """
    try:
        listed = msgspec.json.decode(Path(keys_file).read_bytes(), type=_PublicKeys).keys
    except (OSError, msgspec.DecodeError) as exc:
        raise CommandError(f"cannot read the keys file {keys_file}: {exc}") from exc
    keys = {k.key_id: k.public_key for k in listed if k.algorithm == "Ed25519"}
    try:
        claims = tokens.verify_token(token, keys, now or utcnow())
    except errors.DomainError as exc:
        raise CommandError(f"{exc.code}: {exc.detail}") from exc
    except ValueError as exc:  # a key in the file is not an Ed25519 public key
        raise CommandError(f"the keys file {keys_file}: {exc}") from exc
    print(f"voucher_id: {claims.voucher_id}")
    print(f"merchant_id: {claims.merchant_id}")
    print(f"expires_at: {claims.expires_at.isoformat()}")
    print(f"key_id: {claims.key_id}")
    print("valid")
    return 0


async def run_async(args: argparse.Namespace) -> int:
    settings = load()
    db = Database(build_engine(settings.database_url, pool_size=2))
    try:
        return await _dispatch(args, settings, db)
    except errors.DomainError as exc:
        raise CommandError(f"{exc.code}: {exc.detail}") from exc
    finally:
        await db.dispose()


async def _dispatch(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if args.command == "migrate":
        await runner.upgrade(db.engine)
        print(f"database at revision {await runner.current(db.engine)}")
        return 0
    if args.command == "verify":
        return await _verify(db)
    if args.command == "checkpoint":
        row = await checkpoint.run(db, utcnow(), args.day)
        if row is None:
            raise CommandError("another process is publishing that checkpoint")
        print(f"checkpoint {row.day}: {row.merkle_root} ({row.accounts} accounts)")
        return 0
    if args.command == "reconcile-payments":
        return await _reconcile_payments(settings, db, args.day)
    if args.command == "supervise":
        raised = await supervision.run(db, utcnow(), alert_thresholds(settings))
        print(", ".join(f"{kind}: {n}" for kind, n in raised.items()))
        return 0
    if args.command == "demo":
        async with db.unit_of_work() as uow:
            credentials = await load_demo(uow, DataProtector(settings.data_key), args.out)
        save_credentials(credentials, args.out, f"http://{settings.host}:{settings.port}")
        return 0
    if args.command == "create-staff":
        password = args.password or secrets.token_urlsafe(12)
        async with db.unit_of_work() as uow:
            account = await staff.create(
                uow,
                CLI,
                username=args.username,
                password=password,
                role=Role(args.role),
                merchant_id=args.merchant_id,
                now=utcnow(),
            )
        print(f"staff {account.username} ({account.role}) id={account.id}")
        if not args.password:
            print(f"password: {password}   (shown once)")
        return 0
    if args.command == "create-operator":
        async with db.unit_of_work() as uow:
            op, key = await operators.create(
                uow,
                DataProtector(settings.data_key),
                CLI,
                name=args.name,
                kind=operators.OperatorKind(args.kind),
                now=utcnow(),
            )
        print(f"operator {op.name} ({op.kind}) id={op.id}")
        print(f"key id: {key.key_id}\nsecret: {key.secret}   (shown once)")
        return 0
    raise CommandError(f"unknown command {args.command}")


async def _reconcile_payments(settings: Settings, db: Database, day: date | None) -> int:
    """The job's reconciliation, now, against the live WeChat Pay merchant of the settings."""
    if settings.wechatpay != "live":
        raise CommandError(
            f"PUHUI_WECHATPAY={settings.wechatpay}: only a live merchant's bills can be reconciled "
            "from here (the in-process fake's are reconciled through the service: "
            "POST /v1/admin/payment-reconciliation/runs)"
        )
    gateway = _live_wechatpay(settings)
    try:
        run = await reconcile_payments.run(db, gateway, utcnow(), day, by=CLI.id)
    finally:
        await gateway.aclose()
    if run is None:
        raise CommandError("another process is reconciling payments; try again")
    print(
        f"reconciliation {run.day}: {run.bill_rows} bill lines, {run.our_rows} of ours, "
        f"{run.matched} matched, {run.items} items"
    )
    return 0


async def _verify(db: Database) -> int:
    current, head = await runner.current(db.engine), runner.head()
    if current != head:
        raise CommandError(f"database at revision {current}, code expects {head}: run migrate")
    diffs = await runner.drift(db.engine)
    if diffs:
        raise CommandError(f"schema differs from the models: {diffs}")
    print(f"ok: schema at {head} and matching the models")
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    if not report.ok:
        raise CommandError(f"ledger: first bad row: {report.first_bad}")
    print(
        f"ok: ledger chains of {report.accounts} accounts, {report.postings} postings, "
        "balances and lots recomputed"
    )
    async with db.unit_of_work() as uow:
        for cp in await checkpoints.recent(uow, 10_000, None):
            again = await checkpoints.compute(uow, cp.day, cp.created_at)
            if again["merkle_root"] != cp.merkle_root:
                raise CommandError(f"ledger_checkpoints day={cp.day}: Merkle root differs")
    print("ok: published checkpoints recomputed")
    return 0

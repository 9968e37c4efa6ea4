"""The `puhui` command: serve, migrate, demo, create-staff, create-operator, verify."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from api.cli import certificates, commands
from api.settings import SettingsError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="puhui", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("serve", help="run the HTTP service (PUHUI_HOST, PUHUI_PORT)")
    sub.add_parser("migrate", help="apply database migrations up to head")

    demo = sub.add_parser("demo", help="load demo data and write var/demo.json")
    demo.add_argument("--out", default="var/demo.json")

    staff = sub.add_parser("create-staff", help="create a staff account")
    staff.add_argument("--username", required=True)
    staff.add_argument(
        "--role", required=True, choices=["admin", "operations", "auditor", "merchant"]
    )
    staff.add_argument("--merchant-id")
    staff.add_argument("--password", help="default: a random one, printed once")

    op = sub.add_parser("create-operator", help="create an operator; prints its key secret once")
    op.add_argument("--name", required=True)
    op.add_argument("--kind", required=True, choices=["metro", "bikeshare", "bus", "exchange"])

    sub.add_parser(
        "verify",
        help="check schema, ledger chains, balances, lots, checkpoints; name the first bad row",
    )
    cp = sub.add_parser("checkpoint", help="publish a day's ledger checkpoint (default yesterday)")
    cp.add_argument("--day", type=date.fromisoformat, default=None)
    rp = sub.add_parser(
        "reconcile-payments",
        help="reconcile a day's payments with the WeChat Pay trade bill (default yesterday)",
    )
    rp.add_argument("--day", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    sub.add_parser("supervise", help="run the supervision detectors now; print alerts raised")

    vt = sub.add_parser("verify-token", help="check a voucher token offline (no database)")
    vt.add_argument("token")
    vt.add_argument("--keys", required=True, help="JSON from GET /v1/merchant/public-key")
    vt.add_argument("--now", type=commands.instant, help="ISO instant (default now; naive = UTC)")
    certificates.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            return commands.serve()
        if args.command == "verify-token":
            return commands.verify_token(args.token, args.keys, args.now)
        if args.command == "verify-certificate":
            return certificates.run(args)
        return asyncio.run(commands.run_async(args))
    except SettingsError as exc:
        print(f"puhui: {exc}", file=sys.stderr)
        return 2
    except (commands.CommandError, certificates.VerifyFailed) as exc:
        print(f"puhui {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

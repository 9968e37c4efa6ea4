"""`puhui verify-certificate`: a real certificate, downloaded from the service, checks out
offline against a saved copy of the keys (or their URL); a tampered one, or one whose key is not
published, exits non-zero naming what failed."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api.cli import main
from domain.certificates import signing
from tests.certificate_world import BENEFICIARY, retired
from tests.live import serve

KEYS = "/v1/public/certificate-keys"
PUHUI = str(Path(sys.executable).parent / "puhui")  # the console script `make install` puts there


@pytest.fixture
async def downloaded(client, db, tmp_path: Path) -> tuple[str, Path, Path]:
    """(retirement id, certificate file, keys file) as a holder would save them."""
    retirement_id, _, _ = await retired(db, 30)
    cert = tmp_path / "certificate.json"
    cert.write_bytes(
        (await client.get(f"/v1/public/retirements/{retirement_id}/certificate.json")).content
    )
    keys = tmp_path / "keys.json"
    keys.write_bytes((await client.get(KEYS)).content)
    return retirement_id, cert, keys


def test_a_genuine_certificate_prints_the_retirement_and_ok(downloaded, capsys) -> None:
    retirement_id, cert, keys = downloaded
    assert main(["verify-certificate", str(cert), "--keys", str(keys)]) == 0
    out = capsys.readouterr().out
    assert f"retirement_id: {retirement_id}" in out
    assert f"beneficiary: {BENEFICIARY}" in out
    assert out.rstrip().endswith("OK")


def test_a_tampered_certificate_exits_non_zero_naming_the_altered_document(
    downloaded, capsys
) -> None:
    _, cert, keys = downloaded
    body = json.loads(cert.read_bytes())
    body["document"]["quantity"] += 1
    cert.write_text(json.dumps(body))
    assert main(["verify-certificate", str(cert), "--keys", str(keys)]) == 1
    captured = capsys.readouterr()
    assert "altered_document" in captured.err
    assert "OK" not in captured.out


def test_a_certificate_signed_by_an_unpublished_key_is_refused(
    downloaded, tmp_path, capsys
) -> None:
    _, cert, _ = downloaded
    public = signing.public_key_text(signing.generate_private_key())
    other = tmp_path / "other-keys.json"
    other.write_text(
        json.dumps(
            {
                "keys": [
                    {
                        "key_id": signing.key_id_for(public),
                        "algorithm": "Ed25519",
                        "public_key": public,
                    }
                ]
            }
        )
    )
    assert main(["verify-certificate", str(cert), "--keys", str(other)]) == 1
    assert "unknown_key" in capsys.readouterr().err


def test_a_bad_signature_is_named(downloaded, capsys) -> None:
    _, cert, keys = downloaded
    body = json.loads(cert.read_bytes())
    raw = bytearray(signing.b64decode(body["signature"]))
    raw[0] ^= 1
    body["signature"] = signing.b64encode(bytes(raw))
    cert.write_text(json.dumps(body))
    assert main(["verify-certificate", str(cert), "--keys", str(keys)]) == 1
    assert "bad_signature" in capsys.readouterr().err


def test_the_installed_command_checks_it_offline_in_its_own_process(downloaded) -> None:
    retirement_id, cert, keys = downloaded
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUHUI_")}
    env["PUHUI_DATABASE_URL"] = "postgresql+asyncpg://nobody@192.0.2.1:1/none"  # never reached
    done = subprocess.run(
        [PUHUI, "verify-certificate", str(cert), "--keys", str(keys)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert retirement_id in done.stdout and "OK" in done.stdout


async def test_the_keys_can_be_fetched_from_the_service_url(db, app, tmp_path, capsys) -> None:
    retirement_id, _, _ = await retired(db, 5)
    cert = tmp_path / "certificate.json"
    # a real server (not the test client: one app runs on one event loop)
    async with serve(app) as base, httpx.AsyncClient(base_url=base) as http:
        r = await http.get(f"/v1/public/retirements/{retirement_id}/certificate.json")
        cert.write_bytes(r.content)
        code = await asyncio.to_thread(
            main, ["verify-certificate", str(cert), "--keys", base + KEYS]
        )
    assert code == 0
    assert f"retirement_id: {retirement_id}" in capsys.readouterr().out


def test_keys_that_cannot_be_read_are_named(downloaded, tmp_path, capsys) -> None:
    _, cert, _ = downloaded
    assert main(["verify-certificate", str(cert), "--keys", str(tmp_path / "missing")]) == 1
    assert "keys_unavailable" in capsys.readouterr().err

"""`puhui verify-token`: a merchant checks a token offline with the downloaded keys file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.cli import main
from domain.vouchers import tokens

EXPIRES = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
VOUCHER = "01JQ0000000000000000000VCH"
MERCHANT = "01JQ0000000000000000000MER"
KEY = tokens.generate_private_key()
PUBLIC = tokens.public_key_text(KEY)
KEY_ID = tokens.key_id_for(PUBLIC)


def sign(key=KEY, key_id: str = KEY_ID) -> str:
    return tokens.sign_token(
        key, key_id=key_id, voucher_id=VOUCHER, merchant_id=MERCHANT, expires_at=EXPIRES
    )


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    retired = tokens.public_key_text(tokens.generate_private_key())
    path = tmp_path / "public-key.json"
    body = {
        "keys": [
            {"key_id": KEY_ID, "algorithm": "Ed25519", "public_key": PUBLIC, "active": True},
            {
                "key_id": tokens.key_id_for(retired),
                "algorithm": "Ed25519",
                "public_key": retired,
                "active": False,
            },
        ]
    }
    path.write_text(json.dumps(body))
    return path


@pytest.fixture
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to load settings or reach a database fails the test."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("verify-token touched the database")

    monkeypatch.setattr("api.cli.commands.build_engine", refuse)
    monkeypatch.setattr("api.cli.commands.load", refuse)


def run(*argv: str) -> int:
    return main(["verify-token", *argv])


@pytest.mark.usefixtures("no_database")
def test_valid_token_prints_its_claims_and_valid(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sign(), "--keys", str(keys_file), "--now", "2026-03-01T12:00:00+08:00") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"voucher_id: {VOUCHER}",
        f"merchant_id: {MERCHANT}",
        "expires_at: 2026-03-31T16:00:00+00:00",
        f"key_id: {KEY_ID}",
        "valid",
    ]


@pytest.mark.usefixtures("no_database")
def test_forged_token_is_bad_token_exit_1(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = sign(key=tokens.generate_private_key())
    assert run(forged, "--keys", str(keys_file), "--now", "2026-03-01T12:00:00Z") == 1
    captured = capsys.readouterr()
    assert "valid" not in captured.out
    assert "bad_token" in captured.err
    assert "signature" in captured.err


@pytest.mark.usefixtures("no_database")
def test_unknown_key_and_garbage_are_bad_tokens(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sign(key_id="ffffffffffffffff"), "--keys", str(keys_file)) == 1
    assert "bad_token: the token is signed by an unknown key" in capsys.readouterr().err
    assert run("PH1.garbage", "--keys", str(keys_file)) == 1
    assert "bad_token" in capsys.readouterr().err


@pytest.mark.usefixtures("no_database")
def test_expired_token_is_expired_exit_1(
    keys_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sign(), "--keys", str(keys_file), "--now", "2026-03-31T16:00:00") == 1  # naive=UTC
    captured = capsys.readouterr()
    assert "valid" not in captured.out
    assert "expired: the token expired at 2026-03-31T16:00:00+00:00" in captured.err
    one_second_earlier = (EXPIRES - timedelta(seconds=1)).isoformat()
    assert run(sign(), "--keys", str(keys_file), "--now", one_second_earlier) == 0


@pytest.mark.usefixtures("no_database")
def test_unreadable_keys_file_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(sign(), "--keys", str(tmp_path / "missing.json")) == 1
    assert "cannot read the keys file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"keys": [{"key_id": 1}]}')
    assert run(sign(), "--keys", str(broken)) == 1
    assert "cannot read the keys file" in capsys.readouterr().err
    not_a_key = tmp_path / "not-a-key.json"
    body = {"keys": [{"key_id": KEY_ID, "algorithm": "Ed25519", "public_key": "abc"}]}
    not_a_key.write_text(json.dumps(body))
    assert run(sign(), "--keys", str(not_a_key)) == 1
    assert "keys file" in capsys.readouterr().err


def test_bad_now_is_a_usage_error(keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(sign(), "--keys", str(keys_file), "--now", "yesterday")
    assert info.value.code == 2
    assert "not an ISO 8601 instant" in capsys.readouterr().err


def test_installed_command_needs_no_database(keys_file: Path, tmp_path: Path) -> None:
    puhui = Path(sys.executable).with_name("puhui")
    env = {**os.environ, "PUHUI_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    ok = subprocess.run(
        [str(puhui), "verify-token", sign(), "--keys", str(keys_file), "--now", "2026-03-01"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.endswith("valid\n")
    expired = subprocess.run(
        [str(puhui), "verify-token", sign(), "--keys", str(keys_file), "--now", "2027-01-01"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert expired.returncode == 1
    assert expired.stderr.startswith("puhui verify-token: expired:")

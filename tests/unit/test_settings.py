"""Settings from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import pytest

from api.settings import DEV_JWT_SECRET, SettingsError, load

STRONG = "x" * 40


def test_defaults_are_the_embedded_demo() -> None:
    s = load({})
    assert s.database_url.startswith("sqlite+aiosqlite:///")
    assert s.redis_url is None
    assert s.port == 8000
    assert s.dev_login is False


def test_environment_is_parsed_and_typed() -> None:
    s = load(
        {"PUHUI_PORT": "9000", "PUHUI_DEV_LOGIN": "yes", "PUHUI_REDIS_URL": "redis://r:6379/0"}
    )
    assert (s.port, s.dev_login, s.redis_url) == (9000, True, "redis://r:6379/0")


@pytest.mark.parametrize(
    "env",
    [
        {"PUHUI_PORT": "eighty"},
        {"PUHUI_DEV_LOGIN": "maybe"},
        {"PUHUI_ENV": "staging"},
        {"PUHUI_WORKERS": "2"},  # several processes without Redis would not share rate limits
        {"PUHUI_SESSION_CACHE_SECONDS": "-1"},
        {"PUHUI_SESSION_CACHE_SECONDS": "600"},  # a revoked token would live for minutes
        {"PUHUI_DATABASE_URL": "mysql://x"},
        {"PUHUI_WECHAT_APPID": "wx1"},
    ],
)
def test_bad_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load(env)


def test_production_refuses_default_secrets_and_dev_login() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        load({"PUHUI_ENV": "production", "PUHUI_DATA_KEY": STRONG})
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        load(
            {
                "PUHUI_ENV": "production",
                "PUHUI_JWT_SECRET": DEV_JWT_SECRET,
                "PUHUI_DATA_KEY": STRONG,
            }
        )
    with pytest.raises(SettingsError, match="DATA_KEY"):
        load({"PUHUI_ENV": "production", "PUHUI_JWT_SECRET": STRONG})
    with pytest.raises(SettingsError, match="DEV_LOGIN"):
        load(
            {
                "PUHUI_ENV": "production",
                "PUHUI_JWT_SECRET": STRONG,
                "PUHUI_DATA_KEY": STRONG,
                "PUHUI_DEV_LOGIN": "true",
            }
        )
    ok = load(
        {
            "PUHUI_ENV": "production",
            "PUHUI_JWT_SECRET": STRONG,
            "PUHUI_DATA_KEY": STRONG,
            "PUHUI_METRICS_TOKEN": STRONG,
        }
    )
    assert ok.is_production


def test_production_refuses_to_start_without_a_metrics_token() -> None:
    secrets = {"PUHUI_ENV": "production", "PUHUI_JWT_SECRET": STRONG, "PUHUI_DATA_KEY": STRONG}
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        load(secrets)
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        load({**secrets, "PUHUI_METRICS_TOKEN": "short"})
    assert load({**secrets, "PUHUI_METRICS_TOKEN": STRONG}).metrics_token == STRONG
    assert load({}).metrics_token is None  # outside production /metrics may stay open


def test_several_workers_with_redis() -> None:
    assert load({"PUHUI_WORKERS": "2", "PUHUI_REDIS_URL": "redis://127.0.0.1:6379/0"}).workers == 2

"""PUHUI_WECHATPAY and its live credentials: off by default, fake never in production or with
several processes, live only with every credential."""

from __future__ import annotations

import pytest

from api.settings import SettingsError, load

STRONG = "x" * 40
PRODUCTION = {
    "PUHUI_ENV": "production",
    "PUHUI_JWT_SECRET": STRONG,
    "PUHUI_DATA_KEY": STRONG,
    "PUHUI_METRICS_TOKEN": STRONG,
}
LIVE = {
    "PUHUI_WECHATPAY": "live",
    "PUHUI_WECHATPAY_MCHID": "1900000109",
    "PUHUI_WECHATPAY_APPID": "wxd678efh567hg6787",
    "PUHUI_WECHATPAY_MERCHANT_SERIAL": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    "PUHUI_WECHATPAY_MERCHANT_KEY_FILE": "/run/secrets/apiclient_key.pem",
    "PUHUI_WECHATPAY_PLATFORM_SERIAL": "PUB_KEY_ID_0114232134912410000000000000",
    "PUHUI_WECHATPAY_PLATFORM_KEY_FILE": "/run/secrets/pub_key.pem",
    "PUHUI_WECHATPAY_API_V3_KEY": "0123456789abcdef0123456789ABCDEF",
}


def test_off_by_default_with_wechat_pays_host() -> None:
    s = load({})
    assert s.wechatpay == "off"
    assert s.wechatpay_base_url == "https://api.mch.weixin.qq.com"
    assert s.wechatpay_mchid is None and s.wechatpay_api_v3_key is None


def test_live_reads_every_credential() -> None:
    s = load({**LIVE, "PUHUI_WECHATPAY_BASE_URL": "https://api2.mch.weixin.qq.com"})
    assert s.wechatpay == "live"
    assert s.wechatpay_mchid == "1900000109"
    assert s.wechatpay_appid == "wxd678efh567hg6787"
    assert s.wechatpay_merchant_serial == LIVE["PUHUI_WECHATPAY_MERCHANT_SERIAL"]
    assert s.wechatpay_merchant_key_file == "/run/secrets/apiclient_key.pem"
    assert s.wechatpay_platform_serial == LIVE["PUHUI_WECHATPAY_PLATFORM_SERIAL"]
    assert s.wechatpay_platform_key_file == "/run/secrets/pub_key.pem"
    assert s.wechatpay_api_v3_key == LIVE["PUHUI_WECHATPAY_API_V3_KEY"]
    assert s.wechatpay_base_url == "https://api2.mch.weixin.qq.com"
    assert load({**PRODUCTION, **LIVE}).wechatpay == "live"


@pytest.mark.parametrize("missing", [name for name in LIVE if name != "PUHUI_WECHATPAY"])
def test_live_names_what_is_missing(missing: str) -> None:
    env = {name: value for name, value in LIVE.items() if name != missing}
    with pytest.raises(SettingsError, match=f"PUHUI_WECHATPAY=live needs {missing}$"):
        load(env)


def test_live_names_everything_missing_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        load({"PUHUI_WECHATPAY": "live", "PUHUI_WECHATPAY_MCHID": "1900000109"})
    message = str(caught.value)
    assert "PUHUI_WECHATPAY_MCHID" not in message
    for name in ("APPID", "MERCHANT_SERIAL", "MERCHANT_KEY_FILE", "PLATFORM_SERIAL"):
        assert f"PUHUI_WECHATPAY_{name}" in message
    assert "PUHUI_WECHATPAY_PLATFORM_KEY_FILE" in message
    assert "PUHUI_WECHATPAY_API_V3_KEY" in message


@pytest.mark.parametrize(
    "env",
    [
        {"PUHUI_WECHATPAY": "on"},
        {"PUHUI_WECHATPAY": "FAKE"},
        {**LIVE, "PUHUI_WECHATPAY_API_V3_KEY": "too-short"},
        {**LIVE, "PUHUI_WECHATPAY_API_V3_KEY": "密" * 32},  # 32 characters, 96 bytes
        {**LIVE, "PUHUI_WECHATPAY_BASE_URL": "ftp://api.mch.weixin.qq.com"},
        {**LIVE, "PUHUI_WECHATPAY_BASE_URL": "https://api.mch.weixin.qq.com/v3?x=1"},
        {"PUHUI_WECHATPAY": "fake", "PUHUI_WORKERS": "2", "PUHUI_REDIS_URL": "redis://r:6379/0"},
    ],
)
def test_bad_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="PUHUI_WECHATPAY"):
        load(env)


def test_fake_outside_production_only() -> None:
    assert load({"PUHUI_WECHATPAY": "fake"}).wechatpay == "fake"
    with pytest.raises(SettingsError, match="PUHUI_WECHATPAY=fake is refused in production"):
        load({**PRODUCTION, "PUHUI_WECHATPAY": "fake"})
    assert load(PRODUCTION).wechatpay == "off"


def test_plain_http_base_url_only_outside_production() -> None:
    local = {**LIVE, "PUHUI_WECHATPAY_BASE_URL": "http://127.0.0.1:9000"}
    assert load(local).wechatpay_base_url == "http://127.0.0.1:9000"
    with pytest.raises(SettingsError, match="https in production"):
        load({**PRODUCTION, **local})

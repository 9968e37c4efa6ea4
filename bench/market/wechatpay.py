"""The fake WeChat Pay the benchmark runs in its own process, and the server's configuration to
use it as if it were the real one (PUHUI_WECHATPAY=live): the merchant's private key and the
platform's public key written to PEM files in a private temporary directory, the serials, mchid,
appid and APIv3 key passed as settings, the base URL pointing at the fake."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from integrations.payments.wechatpay.fake import FakeWeChatPay
from integrations.payments.wechatpay.fake_records import new_key

MCHID = "1900000109"
APPID = "wxbench0000market"
MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD00000001"
PLATFORM_SERIAL = "PUB_KEY_ID_0119000001092026120100000001"
API_V3_KEY = b"bench-market-apiv3-key-32-bytes!"  # 32 ASCII bytes


def start_fake() -> FakeWeChatPay:
    """The fake, started with fixed serials and APIv3 key and two fresh RSA 2048 keys."""
    return FakeWeChatPay(
        mchid=MCHID,
        appid=APPID,
        api_v3_key=API_V3_KEY,
        merchant_key=new_key(),
        merchant_serial=MERCHANT_SERIAL,
        platform_key=new_key(),
        platform_serial=PLATFORM_SERIAL,
    ).start()


def live_env(fake: FakeWeChatPay, key_dir: Path) -> dict[str, str]:
    """PUHUI_WECHATPAY=live settings that make the server talk to `fake` (keys under key_dir)."""
    merchant_pem = fake.merchant_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    platform_pem = fake.platform_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    merchant_file, platform_file = key_dir / "apiclient_key.pem", key_dir / "pub_key.pem"
    merchant_file.write_bytes(merchant_pem)
    merchant_file.chmod(0o600)
    platform_file.write_bytes(platform_pem)
    return {
        "PUHUI_WECHATPAY": "live",
        "PUHUI_WECHATPAY_MCHID": fake.mchid,
        "PUHUI_WECHATPAY_APPID": fake.appid,
        "PUHUI_WECHATPAY_MERCHANT_SERIAL": fake.merchant_serial,
        "PUHUI_WECHATPAY_MERCHANT_KEY_FILE": str(merchant_file),
        "PUHUI_WECHATPAY_PLATFORM_SERIAL": fake.platform_serial,
        "PUHUI_WECHATPAY_PLATFORM_KEY_FILE": str(platform_file),
        "PUHUI_WECHATPAY_API_V3_KEY": fake.api_v3_key.decode(),
        "PUHUI_WECHATPAY_BASE_URL": fake.base_url,
    }


def key_dir() -> tempfile.TemporaryDirectory[str]:
    """A private directory (0700) for the key files, removed when the run ends."""
    return tempfile.TemporaryDirectory(prefix="puhui-bench-market-")

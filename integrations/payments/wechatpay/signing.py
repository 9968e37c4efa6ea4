"""WeChat Pay API v3 signatures, pure: signing our requests, verifying what WeChat Pay signs.

Every v3 request carries `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=...,nonce_str=...,
signature=...,timestamp=...,serial_no=...`, the signature being RSA-SHA256 (PKCS#1 v1.5) with the
merchant's API key over `METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`. WeChat Pay signs its
responses and callbacks with the platform key over `TIMESTAMP\\nNONCE\\nBODY\\n`, naming the key by
its serial in `Wechatpay-Serial`. A timestamp more than five minutes from our clock is refused, so a
captured answer or callback cannot be replayed later; within the window, replays are the caller's
business (callbacks carry an event id for that).

The fake server uses the same functions from the other side, so both ends agree by construction
and the tests check each rule against deliberately broken messages.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Final

import msgspec
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from integrations.payments.wechatpay.errors import SignatureRejected

SCHEMA: Final = "WECHATPAY2-SHA256-RSA2048"
MAX_SKEW_SECONDS: Final = 300

HEADER_SERIAL: Final = "Wechatpay-Serial"
HEADER_TIMESTAMP: Final = "Wechatpay-Timestamp"
HEADER_NONCE: Final = "Wechatpay-Nonce"
HEADER_SIGNATURE: Final = "Wechatpay-Signature"
HEADER_SIGNATURE_TYPE: Final = "Wechatpay-Signature-Type"

PlatformKeys = Mapping[str, rsa.RSAPublicKey]  # platform certificate serial -> its public key

_AUTH_PARAM: Final = re.compile(r'\s*([a-z_]+)="([^"]*)"\s*')


def nonce() -> str:
    """A 32-character random nonce, as WeChat Pay's own SDKs make them."""
    return secrets.token_hex(16).upper()


def sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    """Base64 RSA-SHA256 (PKCS#1 v1.5) signature of `message` (UTF-8)."""
    raw = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def verify(public_key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    """True when `signature` (base64) is the RSA-SHA256 signature of `message`."""
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(method: str, path: str, timestamp: int, nonce_str: str, body: str) -> str:
    """What a request signature covers; `path` is the URL path with its query, as sent."""
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce_str}\n{body}\n"


def authorization(
    *,
    mchid: str,
    serial_no: str,
    private_key: rsa.RSAPrivateKey,
    method: str,
    path: str,
    body: str,
    timestamp: int,
    nonce_str: str,
) -> str:
    """The Authorization header value of one request."""
    signature = sign(private_key, request_message(method, path, timestamp, nonce_str, body))
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce_str}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def parse_authorization(value: str) -> dict[str, str] | None:
    """The parameters of an Authorization header, or None when it is not a v3 one."""
    schema, _, params = value.partition(" ")
    if schema != SCHEMA:
        return None
    found: dict[str, str] = {}
    for part in params.split(","):
        match = _AUTH_PARAM.fullmatch(part)
        if match is None:
            return None
        found[match[1]] = match[2]
    if not {"mchid", "nonce_str", "signature", "timestamp", "serial_no"} <= found.keys():
        return None
    return found


def message_to_verify(timestamp: str, nonce_str: str, body: bytes | str) -> str:
    """What a response or callback signature covers."""
    text = body.decode() if isinstance(body, bytes) else body
    return f"{timestamp}\n{nonce_str}\n{text}\n"


def signed_headers(
    private_key: rsa.RSAPrivateKey, serial: str, body: bytes, *, timestamp: int, nonce_str: str
) -> dict[str, str]:
    """The headers WeChat Pay puts on a response or callback it signs (used by the fake)."""
    signature = sign(private_key, message_to_verify(str(timestamp), nonce_str, body))
    return {
        HEADER_SERIAL: serial,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_NONCE: nonce_str,
        HEADER_SIGNATURE: signature,
        HEADER_SIGNATURE_TYPE: SCHEMA,
    }


def verify_signed(
    headers: Mapping[str, str], body: bytes, platform_keys: PlatformKeys, now: datetime
) -> None:
    """Accept a response or callback signed by WeChat Pay, or raise SignatureRejected.

    `headers` may use any case (HTTP header names are case-insensitive). Checks, in order: the
    headers are there, the timestamp is within five minutes of `now`, the serial names a platform
    key we hold, and the signature verifies with it over the exact body bytes.
    """
    lower = {name.lower(): value for name, value in headers.items()}
    serial = lower.get(HEADER_SERIAL.lower())
    timestamp = lower.get(HEADER_TIMESTAMP.lower())
    nonce_str = lower.get(HEADER_NONCE.lower())
    signature = lower.get(HEADER_SIGNATURE.lower())
    if not (serial and timestamp and nonce_str and signature):
        raise SignatureRejected(
            "the Wechatpay-* signature headers are missing", code="missing_signature_headers"
        )
    kind = lower.get(HEADER_SIGNATURE_TYPE.lower(), SCHEMA)
    if kind != SCHEMA:
        raise SignatureRejected(f"unsupported signature type {kind!r}", code="bad_signature")
    if not timestamp.isdigit():
        raise SignatureRejected("Wechatpay-Timestamp is not a number", code="stale_timestamp")
    skew = abs(now.timestamp() - int(timestamp))
    if skew > MAX_SKEW_SECONDS:
        raise SignatureRejected(
            f"Wechatpay-Timestamp is {int(skew)} s from now (max {MAX_SKEW_SECONDS})",
            code="stale_timestamp",
        )
    key = platform_keys.get(serial)
    if key is None:
        raise SignatureRejected(f"unknown platform serial {serial!r}", code="unknown_serial")
    try:
        message = message_to_verify(timestamp, nonce_str, body)
    except UnicodeDecodeError:
        raise SignatureRejected("the signed body is not UTF-8", code="bad_signature") from None
    if not verify(key, message, signature):
        raise SignatureRejected("the WeChat Pay signature does not verify", code="bad_signature")


class JsapiPayParams(msgspec.Struct, rename="camel"):
    """What the mini-app passes to wx.requestPayment (field names as WeChat spells them)."""

    app_id: str
    time_stamp: str
    nonce_str: str
    package: str
    sign_type: str
    pay_sign: str


def jsapi_pay_params(
    *, appid: str, prepay_id: str, private_key: rsa.RSAPrivateKey, timestamp: int, nonce_str: str
) -> JsapiPayParams:
    """The mini-app's requestPayment parameters, paySign made with the merchant's key."""
    package = f"prepay_id={prepay_id}"
    message = f"{appid}\n{timestamp}\n{nonce_str}\n{package}\n"
    return JsapiPayParams(
        app_id=appid,
        time_stamp=str(timestamp),
        nonce_str=nonce_str,
        package=package,
        sign_type="RSA",
        pay_sign=sign(private_key, message),
    )


def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    """The merchant's apiclient_key.pem (PKCS#8 or PKCS#1, unencrypted)."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the WeChat Pay merchant key must be an RSA key")
    return key


def load_public_key(pem: bytes) -> rsa.RSAPublicKey:
    """A platform public key (the 'WeChat Pay public key' PEM) or the key of a certificate."""
    if b"CERTIFICATE" in pem:
        key = x509.load_pem_x509_certificate(pem).public_key()
    else:
        key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("a WeChat Pay platform key must be an RSA key")
    return key

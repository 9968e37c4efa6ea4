"""All configuration, from PUHUI_* environment variables, parsed once into one typed object."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping

import msgspec

from domain.supervision.thresholds import Thresholds

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789"
DEV_DATA_KEY = "dev-only-data-key-change-me-0123456789"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """The environment does not describe a service we are willing to start."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: str = "development"  # development | test | production
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///var/puhui.db"
    database_pool_size: int = 10
    database_max_overflow: int | None = None  # None: a quarter of the pool, at least 2
    redis_url: str | None = None
    jwt_secret: str = DEV_JWT_SECRET
    data_key: str = DEV_DATA_KEY
    access_token_minutes: int = 15
    session_cache_seconds: int = 2  # how long a process trusts "this session stands" (0: never)
    refresh_token_days: int = 30
    dev_login: bool = False
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    wechat_base_url: str = "https://api.weixin.qq.com"
    auth_rate_limit_per_minute: int = 30  # staff sign-in, per client address
    citizen_auth_rate_limit_per_minute: int = 600  # citizen sign-in/refresh/logout, per address
    citizen_login_key_rate_limit_per_minute: int = 5  # per WeChat code and per openid
    staff_login_max_failures: int = 10  # wrong passwords within the window lock the account
    staff_login_window_minutes: int = 15
    staff_login_lock_minutes: int = 15
    trusted_proxies: tuple[str, ...] = ()  # peers whose X-Forwarded-For we believe
    metrics_token: str | None = None  # /metrics wants `Authorization: Bearer <it>` when set
    log_level: str = "INFO"
    log_json: bool = True
    workers: int = 1
    jobs: bool = True  # run the periodic jobs (checkpoints, pending lapse, MDS pulls)
    # where the public pages live, as a retirement certificate's QR code and JSON name them
    public_base_url: str = "http://127.0.0.1:8000"
    upload_max_bytes: int = 10 * 1024 * 1024  # a project document, at most
    project_review_panel_size: int = 3  # experts drawn to validate a submitted project
    market_price_band_percent: int = 10  # listings within +-this % of the reference price
    market_fee_bp: int = 100  # the platform's fee on a sale, in basis points of its amount
    market_order_minutes: int = 15  # an order unpaid this long is closed and its units released
    complaint_response_days: int = 1  # working days to a complaint's first response
    complaint_resolution_days: int = 5  # working days to its resolution
    institution_min_members: int = 5  # a public institution's figures show from this many
    wechatpay: str = "off"  # off | fake (an in-process fake WeChat Pay, demos) | live
    wechatpay_mchid: str | None = None
    wechatpay_appid: str | None = None
    wechatpay_merchant_serial: str | None = None  # serial of the merchant API certificate
    wechatpay_merchant_key_file: str | None = None  # apiclient_key.pem (RSA private key)
    wechatpay_platform_serial: str | None = None  # the WeChat Pay public key's id / serial
    wechatpay_platform_key_file: str | None = None  # its PEM public key (or certificate)
    wechatpay_api_v3_key: str | None = None  # 32 characters, decrypts callbacks
    wechatpay_base_url: str = "https://api.mch.weixin.qq.com"
    # supervision alerts (domain/supervision/thresholds.py)
    alert_rate_factor: int = 3  # an hour's reject/duplicate rate this many times the baseline
    alert_rate_min_trips: int = 20  # trips in the hour (and in the baseline) before it counts
    alert_rate_floor_percent: int = 2  # a baseline counts as at least this rate
    alert_redemptions_per_minute: int = 20  # more than this at one store in a minute
    alert_overlap_min_seconds: int = 120  # one citizen's trips on two operators overlapping
    alert_overclaim_min_t: int = 1  # verified minus accepted tonnes

    @property
    def is_production(self) -> bool:
        return self.env == "production"


# name -> (field, kind). Documented in the README's configuration table.
_ENV = {
    "PUHUI_ENV": ("env", str),
    "PUHUI_HOST": ("host", str),
    "PUHUI_PORT": ("port", int),
    "PUHUI_DATABASE_URL": ("database_url", str),
    "PUHUI_DATABASE_POOL_SIZE": ("database_pool_size", int),
    "PUHUI_DATABASE_MAX_OVERFLOW": ("database_max_overflow", int),
    "PUHUI_REDIS_URL": ("redis_url", str),
    "PUHUI_JWT_SECRET": ("jwt_secret", str),
    "PUHUI_DATA_KEY": ("data_key", str),
    "PUHUI_ACCESS_TOKEN_MINUTES": ("access_token_minutes", int),
    "PUHUI_SESSION_CACHE_SECONDS": ("session_cache_seconds", int),
    "PUHUI_REFRESH_TOKEN_DAYS": ("refresh_token_days", int),
    "PUHUI_DEV_LOGIN": ("dev_login", bool),
    "PUHUI_WECHAT_APPID": ("wechat_appid", str),
    "PUHUI_WECHAT_SECRET": ("wechat_secret", str),
    "PUHUI_WECHAT_BASE_URL": ("wechat_base_url", str),
    "PUHUI_AUTH_RATE_LIMIT_PER_MINUTE": ("auth_rate_limit_per_minute", int),
    "PUHUI_CITIZEN_AUTH_RATE_LIMIT_PER_MINUTE": ("citizen_auth_rate_limit_per_minute", int),
    "PUHUI_CITIZEN_LOGIN_KEY_RATE_LIMIT_PER_MINUTE": (
        "citizen_login_key_rate_limit_per_minute",
        int,
    ),
    "PUHUI_STAFF_LOGIN_MAX_FAILURES": ("staff_login_max_failures", int),
    "PUHUI_STAFF_LOGIN_WINDOW_MINUTES": ("staff_login_window_minutes", int),
    "PUHUI_STAFF_LOGIN_LOCK_MINUTES": ("staff_login_lock_minutes", int),
    "PUHUI_TRUSTED_PROXIES": ("trusted_proxies", tuple),
    "PUHUI_METRICS_TOKEN": ("metrics_token", str),
    "PUHUI_LOG_LEVEL": ("log_level", str),
    "PUHUI_LOG_JSON": ("log_json", bool),
    "PUHUI_WORKERS": ("workers", int),
    "PUHUI_JOBS": ("jobs", bool),
    "PUHUI_PUBLIC_BASE_URL": ("public_base_url", str),
    "PUHUI_UPLOAD_MAX_BYTES": ("upload_max_bytes", int),
    "PUHUI_PROJECT_REVIEW_PANEL_SIZE": ("project_review_panel_size", int),
    "PUHUI_MARKET_PRICE_BAND_PERCENT": ("market_price_band_percent", int),
    "PUHUI_MARKET_FEE_BP": ("market_fee_bp", int),
    "PUHUI_MARKET_ORDER_MINUTES": ("market_order_minutes", int),
    "PUHUI_COMPLAINT_RESPONSE_DAYS": ("complaint_response_days", int),
    "PUHUI_COMPLAINT_RESOLUTION_DAYS": ("complaint_resolution_days", int),
    "PUHUI_INSTITUTION_MIN_MEMBERS": ("institution_min_members", int),
    "PUHUI_WECHATPAY": ("wechatpay", str),
    "PUHUI_WECHATPAY_MCHID": ("wechatpay_mchid", str),
    "PUHUI_WECHATPAY_APPID": ("wechatpay_appid", str),
    "PUHUI_WECHATPAY_MERCHANT_SERIAL": ("wechatpay_merchant_serial", str),
    "PUHUI_WECHATPAY_MERCHANT_KEY_FILE": ("wechatpay_merchant_key_file", str),
    "PUHUI_WECHATPAY_PLATFORM_SERIAL": ("wechatpay_platform_serial", str),
    "PUHUI_WECHATPAY_PLATFORM_KEY_FILE": ("wechatpay_platform_key_file", str),
    "PUHUI_WECHATPAY_API_V3_KEY": ("wechatpay_api_v3_key", str),
    "PUHUI_WECHATPAY_BASE_URL": ("wechatpay_base_url", str),
    "PUHUI_ALERT_RATE_FACTOR": ("alert_rate_factor", int),
    "PUHUI_ALERT_RATE_MIN_TRIPS": ("alert_rate_min_trips", int),
    "PUHUI_ALERT_RATE_FLOOR_PERCENT": ("alert_rate_floor_percent", int),
    "PUHUI_ALERT_REDEMPTIONS_PER_MINUTE": ("alert_redemptions_per_minute", int),
    "PUHUI_ALERT_OVERLAP_MIN_SECONDS": ("alert_overlap_min_seconds", int),
    "PUHUI_ALERT_OVERCLAIM_MIN_T": ("alert_overclaim_min_t", int),
}


def _parse(name: str, raw: str, kind: type) -> object:
    if kind is bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    if kind is tuple:  # a comma-separated list
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be an integer, not {raw!r}") from None
    return raw


def load(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from the environment (plus explicit overrides), validated."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, (field, kind) in _ENV.items():
        raw = environ.get(name)
        if raw is not None and raw != "":
            values[field] = _parse(name, raw, kind)
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    if settings.env not in ("development", "test", "production"):
        raise SettingsError("PUHUI_ENV must be development, test or production")
    if not settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            "PUHUI_DATABASE_URL must use sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", settings.public_base_url):
        raise SettingsError(
            "PUHUI_PUBLIC_BASE_URL must be an http(s) URL without query or fragment"
        )
    for entry in settings.trusted_proxies:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(
                f"PUHUI_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR network"
            ) from None
    limits = {
        "PUHUI_AUTH_RATE_LIMIT_PER_MINUTE": settings.auth_rate_limit_per_minute,
        "PUHUI_CITIZEN_AUTH_RATE_LIMIT_PER_MINUTE": settings.citizen_auth_rate_limit_per_minute,
        "PUHUI_CITIZEN_LOGIN_KEY_RATE_LIMIT_PER_MINUTE": (
            settings.citizen_login_key_rate_limit_per_minute
        ),
        "PUHUI_STAFF_LOGIN_MAX_FAILURES": settings.staff_login_max_failures,
        "PUHUI_STAFF_LOGIN_WINDOW_MINUTES": settings.staff_login_window_minutes,
        "PUHUI_STAFF_LOGIN_LOCK_MINUTES": settings.staff_login_lock_minutes,
        "PUHUI_UPLOAD_MAX_BYTES": settings.upload_max_bytes,
        "PUHUI_PROJECT_REVIEW_PANEL_SIZE": settings.project_review_panel_size,
        "PUHUI_ALERT_RATE_FACTOR": settings.alert_rate_factor,
        "PUHUI_ALERT_RATE_MIN_TRIPS": settings.alert_rate_min_trips,
        "PUHUI_ALERT_RATE_FLOOR_PERCENT": settings.alert_rate_floor_percent,
        "PUHUI_ALERT_REDEMPTIONS_PER_MINUTE": settings.alert_redemptions_per_minute,
        "PUHUI_ALERT_OVERLAP_MIN_SECONDS": settings.alert_overlap_min_seconds,
        "PUHUI_ALERT_OVERCLAIM_MIN_T": settings.alert_overclaim_min_t,
    }
    for name, value in limits.items():
        if value < 1:
            raise SettingsError(f"{name} must be at least 1")
    if not 1 <= settings.market_price_band_percent <= 50:
        raise SettingsError("PUHUI_MARKET_PRICE_BAND_PERCENT must be 1 to 50")
    if not 0 <= settings.market_fee_bp <= 5000:
        raise SettingsError("PUHUI_MARKET_FEE_BP must be 0 to 5000 (0 to 50 %)")
    if not 1 <= settings.market_order_minutes <= 120:  # WeChat Pay's time_expire: at most 2 h
        raise SettingsError("PUHUI_MARKET_ORDER_MINUTES must be 1 to 120")
    if not 1 <= settings.complaint_response_days <= settings.complaint_resolution_days <= 60:
        raise SettingsError(
            "PUHUI_COMPLAINT_RESPONSE_DAYS and PUHUI_COMPLAINT_RESOLUTION_DAYS: "
            "1 <= response <= resolution <= 60 working days"
        )
    if settings.institution_min_members < 2:  # one member's "aggregate" is their own trips
        raise SettingsError("PUHUI_INSTITUTION_MIN_MEMBERS must be at least 2")
    if not 0 <= settings.session_cache_seconds <= 60:  # revocations must bite within seconds
        raise SettingsError("PUHUI_SESSION_CACHE_SECONDS must be 0 to 60")
    if settings.wechat_appid and not settings.wechat_secret:
        raise SettingsError("PUHUI_WECHAT_APPID is set but PUHUI_WECHAT_SECRET is not")
    _validate_wechatpay(settings)
    if settings.workers > 1 and not settings.redis_url:
        raise SettingsError(
            "PUHUI_WORKERS > 1 needs PUHUI_REDIS_URL: rate limits and "
            "live events must be shared by every process"
        )
    if settings.is_production:
        problems = []
        if settings.jwt_secret == DEV_JWT_SECRET or len(settings.jwt_secret) < 32:
            problems.append("PUHUI_JWT_SECRET must be set to a random value of 32+ characters")
        if settings.data_key == DEV_DATA_KEY or len(settings.data_key) < 32:
            problems.append("PUHUI_DATA_KEY must be set to a random value of 32+ characters")
        if settings.dev_login:
            problems.append("PUHUI_DEV_LOGIN must be off in production")
        if not settings.metrics_token or len(settings.metrics_token) < 16:
            problems.append(
                "PUHUI_METRICS_TOKEN must be set to a random value of 16+ characters "
                "(/metrics answers only with it)"
            )
        if problems:
            raise SettingsError("refusing to start in production: " + "; ".join(problems))


_WECHATPAY_LIVE = {
    "PUHUI_WECHATPAY_MCHID": "wechatpay_mchid",
    "PUHUI_WECHATPAY_APPID": "wechatpay_appid",
    "PUHUI_WECHATPAY_MERCHANT_SERIAL": "wechatpay_merchant_serial",
    "PUHUI_WECHATPAY_MERCHANT_KEY_FILE": "wechatpay_merchant_key_file",
    "PUHUI_WECHATPAY_PLATFORM_SERIAL": "wechatpay_platform_serial",
    "PUHUI_WECHATPAY_PLATFORM_KEY_FILE": "wechatpay_platform_key_file",
    "PUHUI_WECHATPAY_API_V3_KEY": "wechatpay_api_v3_key",
}


def _validate_wechatpay(settings: Settings) -> None:
    """off, fake (one process, never production) or live (with every credential)."""
    if settings.wechatpay not in ("off", "fake", "live"):
        raise SettingsError("PUHUI_WECHATPAY must be off, fake or live")
    if settings.wechatpay == "fake":
        if settings.is_production:
            raise SettingsError("PUHUI_WECHATPAY=fake is refused in production")
        if settings.workers > 1:  # its orders live in one process's memory
            raise SettingsError("PUHUI_WECHATPAY=fake needs PUHUI_WORKERS=1")
    if settings.wechatpay != "live":
        return
    missing = [name for name, field in _WECHATPAY_LIVE.items() if not getattr(settings, field)]
    if missing:
        raise SettingsError("PUHUI_WECHATPAY=live needs " + ", ".join(missing))
    key = settings.wechatpay_api_v3_key or ""
    if len(key.encode()) != 32:
        raise SettingsError("PUHUI_WECHATPAY_API_V3_KEY must be 32 characters (ASCII)")
    url = settings.wechatpay_base_url
    if not re.fullmatch(r"https?://[^\s/?#]+/?", url) or (
        settings.is_production and not url.startswith("https://")
    ):
        raise SettingsError(
            "PUHUI_WECHATPAY_BASE_URL must be an http(s) origin (https in production)"
        )


def alert_thresholds(settings: Settings) -> Thresholds:
    """The supervision detectors' thresholds, as plain values for the domain."""
    return Thresholds(
        rate_factor=settings.alert_rate_factor,
        rate_min_trips=settings.alert_rate_min_trips,
        rate_floor_percent=settings.alert_rate_floor_percent,
        redemptions_per_minute=settings.alert_redemptions_per_minute,
        overlap_min_seconds=settings.alert_overlap_min_seconds,
        overclaim_min_t=settings.alert_overclaim_min_t,
    )

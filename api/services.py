"""The long-lived objects a running service holds, built once from Settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

from cryptography.exceptions import UnsupportedAlgorithm
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.events import channels_plugin, publish
from api.login_limits import LoginLimits, MemoryCounters, RedisCounters
from api.redis_link import RedisBreaker, connect
from api.security.session_cache import SessionCache
from api.security.sessions import LiveSessions
from api.settings import Settings, SettingsError
from api.stores import FallbackStore
from domain.crypto import DataProtector
from domain.identity.access_tokens import AccessTokens, TokenSettings
from domain.identity.lockout import LockoutPolicy
from domain.identity.sessions import Sessions
from domain.identity.wechat import WeChatLogin
from domain.network.service import NetworkCache
from domain.persistence.engine import build_engine
from domain.persistence.uow import Database, Event
from domain.trips.ingest import Intake
from domain.vouchers.keys import KeyRing
from domain.vouchers.names import Names
from integrations.payments.wechatpay import MerchantConfig, signing
from integrations.payments.wechatpay.gateway import WeChatPayGateway
from integrations.readers import default_readers

if TYPE_CHECKING:
    from integrations.payments.wechatpay.fake import FakeWeChatPay

# where WeChat Pay calls us back (api/payments/), under PUHUI_PUBLIC_BASE_URL
WECHATPAY_NOTIFY_PATH: Final = "/v1/payments/wechatpay/notify"
WECHATPAY_REFUND_NOTIFY_PATH: Final = "/v1/payments/wechatpay/refund-notify"


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        wechat: WeChatLogin | None = None,
        payments: WeChatPayGateway | None = None,
    ) -> None:
        self.settings = settings
        self.protector = DataProtector(settings.data_key)
        self.access = AccessTokens(
            TokenSettings(
                secret=settings.jwt_secret,
                access_ttl=timedelta(minutes=settings.access_token_minutes),
                refresh_ttl=timedelta(days=settings.refresh_token_days),
            )
        )
        self.sessions = Sessions(
            self.access,
            self.protector,
            LockoutPolicy(
                max_failures=settings.staff_login_max_failures,
                window=timedelta(minutes=settings.staff_login_window_minutes),
                lock=timedelta(minutes=settings.staff_login_lock_minutes),
            ),
        )
        self.wechat = wechat or _wechat_from(settings)
        # PUHUI_WECHATPAY: off (no market payments unless given), fake (in-process) or live
        self.fake_wechatpay: FakeWeChatPay | None = None
        if payments is None and settings.wechatpay == "fake":
            from integrations.payments.wechatpay.fake import FakeWeChatPay

            self.fake_wechatpay = FakeWeChatPay().start()
            payments = wechatpay_gateway(
                self.fake_wechatpay.merchant_config(),
                api_v3_key=self.fake_wechatpay.api_v3_key,
                base_url=self.fake_wechatpay.base_url,
                public_base_url=settings.public_base_url,
            )
        elif payments is None and settings.wechatpay == "live":
            payments = _live_wechatpay(settings)
        self.payments: WeChatPayGateway | None = payments
        # Redis is optional, and never the only home of anything that matters (api/redis_link.py)
        self.redis: Redis | None = connect(settings.redis_url) if settings.redis_url else None
        self.redis_breaker = RedisBreaker()
        self.login_limits = LoginLimits(
            RedisCounters(self.redis, self.redis_breaker) if self.redis else MemoryCounters(),
            self.protector,
            settings.citizen_login_key_rate_limit_per_minute,
        )
        self.channels = channels_plugin(self.redis)
        engine = build_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
        self.db = Database(engine, publish=self.publish)
        self.live_sessions = LiveSessions(self.db, SessionCache(settings.session_cache_seconds))
        self.networks = NetworkCache()
        self.intake = Intake(self.protector, self.networks, default_readers())
        self.keys = KeyRing(self.protector)
        self.names = Names()
        self._root_store = RedisStore(self.redis, namespace="puhui") if self.redis else None
        self._stores: dict[str, Store] = {}

    async def publish(self, events: list[Event]) -> None:
        """Live events of a committed transaction (or stage) to the citizens' channels; sessions
        it ended are forgotten by this process first."""
        events = self.live_sessions.absorb(events)
        await publish(self.channels, self.redis, events, self.redis_breaker)

    async def redis_available(self) -> bool:
        """True without Redis (memory backends) or when Redis answers a PING now."""
        if self.redis is None:
            return True
        if not self.redis_breaker.usable:
            return False
        try:
            await self.redis.ping()
        except RedisError as exc:
            self.redis_breaker.failed(exc)
            return False
        self.redis_breaker.succeeded()
        return True

    def store(self, name: str) -> Store:
        """A named store: a Redis namespace when Redis is configured (process memory while it
        is unreachable), else process memory."""
        if name not in self._stores:
            self._stores[name] = (
                FallbackStore(
                    self._root_store.with_namespace(name), MemoryStore(), self.redis_breaker
                )
                if self._root_store
                else MemoryStore()
            )
        return self._stores[name]

    async def close(self) -> None:
        if self.wechat is not None and hasattr(self.wechat, "aclose"):
            await self.wechat.aclose()
        if self.payments is not None:
            await self.payments.aclose()
        if self.fake_wechatpay is not None:
            self.fake_wechatpay.stop()
        if self.redis is not None:
            await self.redis.aclose()
        await self.db.dispose()


def _wechat_from(settings: Settings) -> WeChatLogin | None:
    if not (settings.wechat_appid and settings.wechat_secret):
        return None
    from integrations.wechat import WeChatClient

    return WeChatClient(
        appid=settings.wechat_appid,
        secret=settings.wechat_secret,
        base_url=settings.wechat_base_url,
    )


def wechatpay_gateway(
    config: MerchantConfig,
    *,
    api_v3_key: bytes,
    base_url: str,
    public_base_url: str,
    backoff: float = 0.3,
) -> WeChatPayGateway:
    """The market's gateway to WeChat Pay at `base_url`, its callbacks to our public address."""
    root = public_base_url.rstrip("/")
    return WeChatPayGateway.connect(
        config,
        api_v3_key=api_v3_key,
        base_url=base_url,
        notify_url=root + WECHATPAY_NOTIFY_PATH,
        refund_notify_url=root + WECHATPAY_REFUND_NOTIFY_PATH,
        backoff=backoff,
    )


def _live_wechatpay(settings: Settings) -> WeChatPayGateway:
    """The real merchant, its keys read from the files the settings name (validated as set)."""

    def pem(variable: str, path: str | None) -> bytes:
        try:
            return Path(path or "").read_bytes()
        except OSError as exc:
            raise SettingsError(f"{variable}: cannot read {path} ({exc.strerror})") from None

    try:
        private_key = signing.load_private_key(
            pem("PUHUI_WECHATPAY_MERCHANT_KEY_FILE", settings.wechatpay_merchant_key_file)
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SettingsError(
            "PUHUI_WECHATPAY_MERCHANT_KEY_FILE is not an unencrypted RSA private key (PEM)"
        ) from None
    try:
        platform_key = signing.load_public_key(
            pem("PUHUI_WECHATPAY_PLATFORM_KEY_FILE", settings.wechatpay_platform_key_file)
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SettingsError(
            "PUHUI_WECHATPAY_PLATFORM_KEY_FILE is not an RSA public key or certificate (PEM)"
        ) from None
    config = MerchantConfig(
        mchid=settings.wechatpay_mchid or "",
        appid=settings.wechatpay_appid or "",
        serial_no=settings.wechatpay_merchant_serial or "",
        private_key=private_key,
        platform_keys={settings.wechatpay_platform_serial or "": platform_key},
    )
    return wechatpay_gateway(
        config,
        api_v3_key=(settings.wechatpay_api_v3_key or "").encode(),
        base_url=settings.wechatpay_base_url,
        public_base_url=settings.public_base_url,
    )

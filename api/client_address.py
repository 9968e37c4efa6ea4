"""The client's address: the TCP peer, or what a trusted proxy says in X-Forwarded-For.

`X-Forwarded-For` is believed only when the peer is in PUHUI_TRUSTED_PROXIES (addresses or CIDR
networks; empty: trust nobody). The list is read from the right, each hop appended by the one
after it: the first address that is not a trusted proxy is the client. Anything left of it was
written by the client and is ignored. `ClientAddressASGI` puts the result in scope["client"],
so the rate limits and the logs see the same client; `puhui serve` turns uvicorn's own proxy
header handling off, so there is one rule for it, ours.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from litestar.types import ASGIApp, Receive, Scope, Send

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(text: str) -> Address | None:
    """An IP address from a peer or a forwarded hop (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    def __init__(self, entries: Iterable[str]) -> None:
        self.networks = [ipaddress.ip_network(e.strip(), strict=False) for e in entries]

    def __contains__(self, address: Address | None) -> bool:
        return address is not None and any(
            address.version == net.version and address in net for net in self.networks
        )

    def client(self, peer: str, forwarded_for: list[str]) -> str:
        """The client's address for a peer and the X-Forwarded-For values it sent."""
        hop = parse_address(peer)
        if hop not in self or not forwarded_for:
            return str(hop) if hop is not None else peer
        hops = [h for value in forwarded_for for h in value.split(",") if h.strip()]
        for text in reversed(hops):
            address = parse_address(text)
            if address is None:  # a trusted proxy wrote nonsense: stop at that proxy
                return str(hop)
            hop = address
            if hop not in self:
                return str(hop)
        return str(hop)  # every hop is a proxy of ours: the first one is the client


class ClientAddressASGI:
    """Replace scope["client"] with the client's address (and the scheme a trusted proxy saw)."""

    def __init__(self, app: ASGIApp, trusted: TrustedProxies) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted.networks:
            peer = scope.get("client") or ("", 0)
            if parse_address(peer[0]) in self.trusted:
                forwarded = [
                    v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"
                ]
                scope["client"] = (self.trusted.client(peer[0], forwarded), 0)
                proto = _header(scope, b"x-forwarded-proto").strip().lower()
                if proto in ("http", "https"):
                    secure = proto == "https"
                    if scope["type"] == "websocket":
                        scope["scheme"] = "wss" if secure else "ws"
                    else:
                        scope["scheme"] = proto
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def rate_limit_key(host: str) -> str:
    """The bucket an address counts in: the address, or its /64 for IPv6 (one subscriber's
    line gets a whole /64, and rotating inside it must not buy more attempts)."""
    address = parse_address(host)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address) if address is not None else host

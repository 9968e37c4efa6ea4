"""Which address is the client: the peer, unless the peer is a trusted proxy."""

from __future__ import annotations

import pytest

from api.client_address import ClientAddressASGI, TrustedProxies, parse_address, rate_limit_key
from api.settings import SettingsError, load

PROXIES = TrustedProxies(["10.0.0.0/8", "127.0.0.1", "::1"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("198.51.100.7", ["203.0.113.5"], "198.51.100.7"),  # not a proxy of ours: ignored
        ("127.0.0.1", [], "127.0.0.1"),  # a proxy that forwarded nothing
        ("127.0.0.1", ["203.0.113.5"], "203.0.113.5"),
        ("127.0.0.1", ["1.1.1.1, 203.0.113.5"], "203.0.113.5"),  # the client's own claim
        ("127.0.0.1", ["1.1.1.1, 203.0.113.5, 10.1.2.3"], "203.0.113.5"),  # two proxies
        ("127.0.0.1", ["1.1.1.1", "203.0.113.5, 10.1.2.3"], "203.0.113.5"),  # two headers
        ("127.0.0.1", ["10.9.9.9, 10.1.2.3"], "10.9.9.9"),  # only proxies: the first
        ("127.0.0.1", ["203.0.113.5:51234"], "203.0.113.5"),
        ("127.0.0.1", ["[2001:db8::1]:443"], "2001:db8::1"),
        ("127.0.0.1", ["unknown"], "127.0.0.1"),  # nonsense from a proxy: stop at it
        ("::ffff:127.0.0.1", ["203.0.113.5"], "203.0.113.5"),  # IPv4 as IPv6
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        ("testclient", ["203.0.113.5"], "testclient"),
    ],
)
def test_client_of(peer: str, forwarded: list[str], client: str) -> None:
    assert PROXIES.client(peer, forwarded) == client


def test_nobody_is_trusted_by_default() -> None:
    assert TrustedProxies(load({}).trusted_proxies).client("127.0.0.1", ["1.2.3.4"]) == "127.0.0.1"


def test_trusted_proxies_setting_is_a_list_of_addresses_and_networks() -> None:
    settings = load({"PUHUI_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.1 ,,fd00::/8"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.1", "fd00::/8")
    with pytest.raises(SettingsError, match="PUHUI_TRUSTED_PROXIES"):
        load({"PUHUI_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"})


@pytest.mark.parametrize(
    "name",
    ["PUHUI_STAFF_LOGIN_MAX_FAILURES", "PUHUI_CITIZEN_LOGIN_KEY_RATE_LIMIT_PER_MINUTE"],
)
def test_limits_must_be_positive(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load({name: "0"})


def test_ipv6_addresses_count_per_64() -> None:
    assert rate_limit_key("2001:db8:1:2::a") == rate_limit_key("2001:db8:1:2:ffff::1")
    assert rate_limit_key("2001:db8:1:2::a") != rate_limit_key("2001:db8:1:3::a")
    assert rate_limit_key("203.0.113.5") == "203.0.113.5"
    assert rate_limit_key("testclient") == "testclient"
    assert parse_address("not an address") is None


async def test_the_asgi_wrapper_rewrites_client_and_scheme_only_for_trusted_peers() -> None:
    seen: list[tuple[object, object]] = []

    async def app(scope, receive, send) -> None:
        seen.append((scope["client"], scope["scheme"]))

    wrapped = ClientAddressASGI(app, PROXIES)
    headers = [(b"x-forwarded-for", b"203.0.113.5"), (b"x-forwarded-proto", b"https")]
    for peer in ("127.0.0.1", "198.51.100.7"):
        scope = {"type": "http", "client": (peer, 5000), "scheme": "http", "headers": headers}
        await wrapped(scope, None, None)
    assert seen == [(("203.0.113.5", 0), "https"), (("198.51.100.7", 5000), "http")]

"""Property-based fuzzing of the whole OpenAPI document with schemathesis (issue 10).

Every operation of /schema/openapi.json belongs to one audience, and is fuzzed as it: a citizen,
a merchant's cashier, an admin, a signing operator (each request HMAC-signed as it is sent, see
`OperatorSigning`). Schemathesis generates requests that fit the document (positive) and that do
not (negative), sends them in process (over ASGI) to the app built from the suite's `settings`
fixture (SQLite, or PostgreSQL and Redis under make test-pg; WeChat login through its local fake),
and checks each answer: not a server error, the status, media type and body the document describes.

The budget is fixed and derandomized, so the suite is repeatable: PUHUI_FUZZ_EXAMPLES examples
per operation and mode (default 15). `make fuzz` runs with more examples and a random seed.
Requests and failures per audience are printed at the end of the run (tests/fuzz/conftest.py).
"""

from __future__ import annotations

import itertools
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.experts import pool, reviews
from domain.governance.audit import CLI
from domain.identity.principal import Role
from domain.operators.signing import sign
from domain.supervision.alerts import raise_alert
from integrations.wechat import WeChatClient
from integrations.wechat.fake import FakeWeChatServer
from tests.economy import give_points, make_offer
from tests.fuzz.conftest import FuzzTally
from tests.helpers import PASSWORD, import_demo_network, make_merchant, make_operator, make_staff
from tests.payments import gateway_for
from tests.registry_world import make_member, make_org

EXAMPLES = int(os.environ.get("PUHUI_FUZZ_EXAMPLES", "15"))
RANDOM = os.environ.get("PUHUI_FUZZ_RANDOM") == "1"  # `make fuzz`: a new seed each run
TIMEOUT_S = 30  # a hang is a failure too (an event stream is cut after its first event)
SEEDED_METHODOLOGY = "00000000000000000000NJGT01"  # installed by the migrations
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Paths by audience: a prefix "/x/" holds /x and everything under it. Every operation must have
# one (test_every_operation_has_an_audience), so a new endpoint is fuzzed from the day it lands.
AUDIENCES: dict[str, tuple[str, ...]] = {
    "citizen": (
        "/health",
        "/ready",
        "/v1/auth/",
        "/v1/me/",
        "/v1/offers/",
        "/v1/donation-projects/",
        "/v1/public/",
        "/v1/dev/",
        "/v1/org-applications",
        "/v1/market/",
        "/v1/payments/",  # WeChat Pay's callbacks: unsigned requests must be refused, never 5xx
    ),
    "merchant": ("/v1/merchant/", "/v1/merchant-applications/"),
    "admin": ("/v1/admin/",),
    "operator": ("/v1/operators/", "/v1/exchange/"),  # the trading centre signs as operators do
    "org": ("/v1/org/", "/v1/registry/"),
    "verifier": ("/v1/verifier/",),
    "expert": ("/v1/expert/",),
}


def audience_of(path: str) -> str | None:
    for audience, prefixes in AUDIENCES.items():
        if any(path == p.rstrip("/") or path.startswith(p) for p in prefixes):
            return audience
    return None


class OperatorSigning(requests.auth.AuthBase):
    """Signs each request as it leaves, over the exact bytes sent (api/operator/signature.py),
    with the key of the operator its path names."""

    def __init__(self, keys: dict[str, tuple[str, str]]) -> None:
        self.keys = keys  # operator id -> (key id, secret)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        path = r.path_url
        signed = path.startswith(("/v1/operators/", "/v1/exchange/"))
        operator_id = path.split("/")[3] if signed else ""
        key_id, secret = self.keys.get(operator_id, next(iter(self.keys.values())))
        body = r.body or b""
        body = body.encode() if isinstance(body, str) else body
        ts, nonce = str(int(time.time())), uuid.uuid4().hex
        r.headers["X-Puhui-Key"] = key_id
        r.headers["X-Puhui-Timestamp"] = ts
        r.headers["X-Puhui-Nonce"] = nonce
        r.headers["X-Puhui-Signature"] = sign(secret, r.method or "GET", path, ts, nonce, body)
        return r


@dataclass
class Run:
    """One audience's fuzzing: the client, who it is, what it knows, and what came back."""

    client: asgi.ASGIClient
    tally: FuzzTally
    known: dict[str, list[str]] = field(default_factory=dict)  # path parameter -> real ids
    only_known: bool = False  # the operator: every request names one of our operators
    relogin: Any = None  # for a citizen who erased themselves (DELETE /v1/me): sign in afresh
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def send(self, case: schemathesis.Case) -> None:
        self.tally.requests += 1
        try:
            response = case.call(session=self.client, timeout=TIMEOUT_S)
        except requests.Timeout:
            self.tally.failed += 1
            key = (case.operation.label, f"no answer within {TIMEOUT_S} s")
            self.failures.setdefault(key, case.as_curl_command())
            return
        self.tally.statuses[response.status_code // 100 * 100] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as exc:
            self.tally.failed += 1
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                key = (case.operation.label, failure.title)
                self.failures.setdefault(key, f"{failure.message}\n{case.as_curl_command()}")
        if (case.method, case.path, response.status_code) == ("DELETE", "/v1/me", 204):
            self.relogin()

    def strategies(self, operation: Any) -> list[Any]:
        """Generated requests, and (where the path names objects we made) requests about them:
        a random id mostly meets a 404, a real one goes deeper."""
        names = re.findall(r"{(\w+)}", operation.path)
        choices = [{}] if not self.only_known else []
        values = [self.known.get(n, [None]) for n in names]
        for combination in itertools.product(*values):
            fixed = {n: v for n, v in zip(names, combination, strict=True) if v is not None}
            if fixed:
                choices.append(fixed)
        return [
            operation.as_strategy(mode, path_parameters=fixed or None)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            for fixed in choices or [{}]
        ]


def _fuzz_operation(run: Run, operation: Any) -> None:
    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=st.one_of(run.strategies(operation)))
    def fuzz(case: schemathesis.Case) -> None:
        run.send(case)

    fuzz()


def _erases_the_citizen(operation: Any) -> bool:
    return (operation.method.upper(), operation.path) == ("DELETE", "/v1/me")


def _operations(app: Any, audience: str) -> Iterator[Any]:
    """The audience's operations; DELETE /v1/me last, as the citizen who owns the known ids
    (voucher, complaint) is gone after it (a fresh one signs in, owning none of them)."""
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    mine = [r.ok() for r in schema.get_all_operations() if audience_of(r.ok().path) == audience]
    yield from sorted(mine, key=_erases_the_citizen)


def _sign_in(client: asgi.ASGIClient, path: str, payload: dict[str, str]) -> str:
    r = client.post(path, json=payload)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


async def _citizen_with_a_voucher(client: asgi.ASGIClient, db: Any, offer_id: str) -> dict:
    """A citizen who agreed, holds points and bought a voucher (so their lists are not empty)."""
    r = client.post("/v1/auth/dev", json={"openid": f"fuzz-{uuid.uuid4().hex}"})
    assert r.status_code == 200, r.text
    tokens = r.json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.put("/v1/me/consent", json={"version": "v1"}, headers=headers).ok
    await give_points(db, tokens["citizen_id"], 1000)
    r = client.post(
        "/v1/me/vouchers",
        json={"offer_id": offer_id},
        headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    return tokens | {"voucher": r.json()}


async def _sign_in_as(audience: str, run: Run, db: Any, settings: Any) -> None:
    """Sign in as the audience, after making what it reads about: an approved offer of a
    merchant, a citizen's voucher (redeemed, for the merchant), operators with a network."""
    client = run.client
    merchant_id = await make_merchant(db)
    offer_id = await make_offer(db, merchant_id, price=10, stock=100, limit=50)
    protector = DataProtector(settings.data_key)

    def bearer(token: str) -> None:
        client.headers["Authorization"] = f"Bearer {token}"

    async def staff(role: Role) -> tuple[str, str]:
        username = f"fuzz-{role.value}-{uuid.uuid4().hex[:8]}"
        staff_id = await make_staff(
            db, username, role, merchant_id if role is Role.MERCHANT else None
        )
        return staff_id, _sign_in(
            client, "/v1/auth/staff", {"username": username, "password": PASSWORD}
        )

    if audience == "citizen":
        tokens = await _citizen_with_a_voucher(client, db, offer_id)
        bearer(tokens["access_token"])
        complaint = client.post("/v1/me/complaints", json={"category": "other", "text": "fuzz"})
        assert complaint.status_code == 201, complaint.text
        run.known = {
            "offer_id": [offer_id],
            "voucher_id": [tokens["voucher"]["voucher_id"]],
            "complaint_id": [complaint.json()["complaint_id"]],
        }
        run.relogin = lambda: bearer(
            _sign_in(client, "/v1/auth/dev", {"openid": f"fuzz-{uuid.uuid4().hex}"})
        )
    elif audience == "merchant":
        _, token = await staff(Role.MERCHANT)
        bearer(token)
        voucher = (await _citizen_with_a_voucher(client, db, offer_id))["voucher"]
        r = client.post("/v1/merchant/redemptions", json={"code": voucher["code"], "nonce": "n1"})
        assert r.status_code == 200, r.text
        complaint = client.post("/v1/merchant/complaints", json={"category": "other", "text": "fz"})
        assert complaint.status_code == 201, complaint.text
        run.known = {"complaint_id": [complaint.json()["complaint_id"]]}
    elif audience in ("org", "verifier"):
        role = Role.ORG if audience == "org" else Role.VERIFIER
        org = await make_org(db, kind="verifier" if role is Role.VERIFIER else "enterprise")
        username = await make_member(db, org.id, role)
        bearer(_sign_in(client, "/v1/auth/staff", {"username": username, "password": PASSWORD}))
        run.known = {"account_id": [org.account_id]}
    elif audience == "expert":  # an expert of the pool, sitting on a review
        username = f"fuzz-expert-{uuid.uuid4().hex[:8]}"
        async with db.unit_of_work() as uow:
            made = await pool.create(
                uow,
                CLI,
                name=username,
                fields=["transport"],
                affiliations=[],
                username=username,
                now=utcnow(),
            )
            review = await reviews.open_review(
                uow,
                CLI,
                subject_kind="rule",
                subject_id="fuzz-rule",
                owner_org_id=None,
                field=None,
                panel_size=1,
                now=utcnow(),
            )
        password = made.password or ""
        bearer(_sign_in(client, "/v1/auth/staff", {"username": username, "password": password}))
        run.known = {"review_id": [review.id]}
    elif audience == "admin":
        cashier_id, _ = await staff(Role.MERCHANT)
        filer = await _citizen_with_a_voucher(client, db, offer_id)
        complaint = client.post(
            "/v1/me/complaints",
            json={"category": "other", "text": "fuzz"},
            headers={"Authorization": f"Bearer {filer['access_token']}"},
        )
        assert complaint.status_code == 201, complaint.text
        _, token = await staff(Role.ADMIN)
        bearer(token)
        op, key_id, _ = await make_operator(db, protector, "metro")
        async with db.unit_of_work() as uow:
            alert = await raise_alert(
                uow,
                kind="operator_rate",
                subject_type="operator",
                subject_id=op,
                window=uuid.uuid4().hex,
                summary="fuzz",
                evidence={},
                now=utcnow(),
            )
        assert alert is not None
        run.known = {
            "offer_id": [offer_id],
            "merchant_id": [merchant_id],
            "operator_id": [op],
            "key_id": [key_id],
            "staff_id": [cashier_id],
            "methodology_id": [SEEDED_METHODOLOGY],
            "complaint_id": [complaint.json()["complaint_id"]],
            "alert_id": [alert.id],
        }
    else:
        keys = {}
        for kind in ("metro", "bikeshare", "bus"):
            op, key_id, secret = await make_operator(db, protector, kind)
            if kind != "bikeshare":
                await import_demo_network(db, op)
            keys[op] = (key_id, secret)
        client.auth = OperatorSigning(keys)
        exchange, key_id, secret = await make_operator(db, protector, "exchange")
        keys[exchange] = (key_id, secret)
        run.known = {"operator_id": [k for k in keys if k != exchange], "exchange_id": [exchange]}
        run.only_known = True


@pytest.fixture
def fuzzed_app(settings, wechatpay) -> Iterator[Any]:
    """The app the suite's fixtures configure, with WeChat login and WeChat Pay through the
    local fakes."""
    with FakeWeChatServer(appid="wx-fuzz", secret="wx-secret") as fake:
        wechat = WeChatClient(
            appid="wx-fuzz", secret="wx-secret", base_url=fake.base_url, backoff=0
        )
        yield create_app(settings, wechat=wechat, payments=gateway_for(wechatpay, "http://fuzz"))


def test_every_operation_has_an_audience(fuzzed_app) -> None:
    app = fuzzed_app
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    paths = {result.ok().path for result in schema.get_all_operations()}
    try:
        assert {p for p in paths if audience_of(p) is None} == set()
        assert all(any(audience_of(p) == a for p in paths) for a in AUDIENCES)
    finally:
        asgi.shutdown_lifespans()


@pytest.mark.parametrize("audience", list(AUDIENCES))
async def test_fuzz_the_openapi_as(audience, fuzzed_app, db, settings, fuzz_tallies) -> None:
    app, tally = fuzzed_app, fuzz_tallies[audience]
    run = Run(client=asgi.get_client(app, max_stream_events=1).__enter__(), tally=tally)
    try:
        await _sign_in_as(audience, run, db, settings)
        for operation in _operations(app, audience):
            tally.operations += 1
            _fuzz_operation(run, operation)
    finally:
        run.client.__exit__(None, None, None)
        asgi.shutdown_lifespans()
    report = "\n\n".join(f"{op} — {what}\n{detail}" for (op, what), detail in run.failures.items())
    assert tally.requests > 0
    assert tally.failed == 0, f"{tally.failed} of {tally.requests} requests failed:\n\n{report}"

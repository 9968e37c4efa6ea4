"""The citizens' side of the demo registry: commuters whose metro journeys of the previous
Shanghai month were credited, that month aggregated into units of the public-behaviour account
(`reg:public-behaviour`), issued four-eyes and listed for sale at the reference price, which is
what a citizen buys on the H5 to "go carbon neutral" (POST /v1/me/neutrality/orders).

Everything goes through the use cases the API calls: sign-in, consent, a binding code spent by
the operator, and the operator feed's ingest, with `now` set to days of that month. A trip is
credited when its batch arrives, so each day's batch arrives that evening: the trips are credited
(decided) in the month the aggregation sums.

The numbers: RIDERS commuters ride on each of the month's first DAYS days, there in the morning
and back in the evening, each journey at least 33 km (at least 1,544 g at NJ-GT's 46.8 g/pkm).
The daily points cap (3,000 points at 1 g a point) counts exactly 3,000 g of each rider's day:
the evening journey is credited only in part. 120 x 14 x 3,000 g = 5,040,000 g from 3,360
journeys: 5 whole tonnes are issued and listed, and 40,000 g carry to the next month. The first
14 days of the previous month lie before the staff dashboard's default 14 days (ending today,
the 1st at the earliest), which thus shows only what happens after the demo is loaded. Loaded
once, with the rest of the registry demo (demo/registry.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.clock import SHANGHAI, shanghai_date
from domain.crypto import DataProtector
from domain.governance.audit import Actor
from domain.identity import citizens
from domain.identity.principal import Principal, Role
from domain.market import listings
from domain.network.demo import nanjing_demo
from domain.network.service import NetworkCache
from domain.persistence.uow import UnitOfWork
from domain.registry import aggregation, issuance
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from domain.trips import bindings
from domain.trips.ingest import Intake, ingest_pushed
from integrations.readers import default_readers

RIDERS = 120
DAYS = 14  # the month's first days, before the dashboard's default window
MIN_JOURNEY_M = 33_000  # two such journeys reach the daily points cap
RIDE = timedelta(minutes=60)
CONSENT_VERSION = "v1"
METHODOLOGY = "NJ-GT"
PRICE_FEN_PER_T = 9_200  # the demo's reference price (demo/registry.py)
BAND_PERCENT = 10


@dataclass(frozen=True)
class CitizensListing:
    """What was loaded: the listing citizens buy from, and the month behind it."""

    listing_id: str
    aggregation_id: str
    riders: int
    trips: int  # credited
    grams: int  # aggregated
    tonnes: int  # issued and listed


def previous_month(today: date) -> tuple[date, date]:
    """The first and last day of the Shanghai month before `today`'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time of `day`, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def _routes() -> list[tuple[str, str]]:
    """Station pairs of the demo network at least MIN_JOURNEY_M apart along the lines."""
    network = nanjing_demo()
    stops = sorted({s for line in network.lines.values() for s in line})
    return [
        (a, b)
        for i, a in enumerate(stops)
        for b in stops[i + 1 :]
        if network.distance_m(a, b) >= MIN_JOURNEY_M
    ]


def _journey(trip_id: str, card: str, entry: str, exit_: str, end: datetime) -> dict[str, str]:
    """A metro journey as the operator feed sends one."""
    return {
        "external_trip_id": trip_id,
        "external_account": card,
        "entry_station": entry,
        "exit_station": exit_,
        "entry_time": (end - RIDE).isoformat(),
        "exit_time": end.isoformat(),
    }


async def _riders(
    uow: UnitOfWork, protector: DataProtector, metro_id: str, now: datetime
) -> list[str]:
    """RIDERS citizens signed in, consenting, each with a metro card linked: the cards."""
    cards = []
    for n in range(1, RIDERS + 1):
        citizen = await citizens.sign_in(uow, protector, f"demo-rider-{n:03d}", None, now)
        await citizens.give_consent(uow, citizen.id, CONSENT_VERSION, now)
        code = await bindings.issue_code(uow, citizen.id, metro_id, now)
        card = f"demo-card-{n:04d}"
        await bindings.bind(uow, protector, metro_id, code.code, card, now)
        cards.append(card)
    return cards


async def _ride_the_month(
    uow: UnitOfWork, protector: DataProtector, metro_id: str, cards: list[str], days: list[date]
) -> int:
    """Each day's journeys, sent as the operator's batch that evening: the trips credited."""
    intake = Intake(protector, NetworkCache(), default_readers())
    routes = _routes()
    credited = 0
    for day in days:
        records = []
        for n, card in enumerate(cards):
            home, work = routes[n % len(routes)]  # riders spread over the routes
            trip = f"demo-pb-{day:%Y%m%d}-{n + 1:03d}"
            records.append(_journey(f"{trip}-am", card, home, work, _at(day, 8, 30)))
            records.append(_journey(f"{trip}-pm", card, work, home, _at(day, 19)))
        out = await ingest_pushed(uow, intake, metro_id, "metro", {"trips": records}, _at(day, 21))
        credited += sum(1 for r in out.results if r.status == "credited")
    return credited


async def load_citizens_aggregate(
    uow: UnitOfWork,
    protector: DataProtector,
    *,
    metro_id: str,
    ops: Actor,
    admin: Actor,
    now: datetime,
) -> CitizensListing:
    """Riders, their previous month aggregated and issued to the public-behaviour account, and
    the issued tonnes listed at the reference price by `ops` (staff move that account)."""
    start, end = previous_month(shanghai_date(now))
    days = [start + timedelta(days=i) for i in range(DAYS)]
    cards = await _riders(uow, protector, metro_id, _at(start, 6))
    trips = await _ride_the_month(uow, protector, metro_id, cards, days)
    month = await aggregation.aggregate(uow, ops, METHODOLOGY, start, end, now)
    proposal = await issuance.propose(uow, ops, aggregation_id=month.id, now=now)
    issued = await issuance.decide(uow, admin, proposal.id, approve=True, now=now)
    staff = Principal(kind="staff", id=ops.id, family_id="demo", role=Role.OPERATIONS)
    listing = await listings.list_units(
        uow,
        staff,
        ops,
        account=PUBLIC_BEHAVIOUR,
        quantity=issued.quantity,
        price_fen_per_t=PRICE_FEN_PER_T,
        band_percent=BAND_PERCENT,
        now=now,
    )
    return CitizensListing(
        listing_id=listing.id,
        aggregation_id=month.id,
        riders=len(cards),
        trips=trips,
        grams=month.grams,
        tonnes=listing.quantity,
    )

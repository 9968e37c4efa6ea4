"""Every table, imported so that Base.metadata knows them all (Alembic compares against it)."""

from domain.persistence.tables.audit import AuditEntry
from domain.persistence.tables.bindings import Binding, BindingCode
from domain.persistence.tables.citizens import Citizen
from domain.persistence.tables.feeds import FeedPull, OperatorFeed
from domain.persistence.tables.ledger import (
    Checkpoint,
    CitizenDay,
    LedgerAccount,
    PointsLot,
    Posting,
)
from domain.persistence.tables.merchants import Merchant
from domain.persistence.tables.methodologies import MethodologyVersion
from domain.persistence.tables.networks import OperatorNetwork
from domain.persistence.tables.operators import Operator, OperatorKey
from domain.persistence.tables.staff import Staff
from domain.persistence.tables.tokens import RefreshFamily, RefreshToken
from domain.persistence.tables.trips import OpenTap, Trip

__all__ = [
    "AuditEntry",
    "Binding",
    "BindingCode",
    "Checkpoint",
    "Citizen",
    "CitizenDay",
    "FeedPull",
    "LedgerAccount",
    "Merchant",
    "MethodologyVersion",
    "OpenTap",
    "Operator",
    "OperatorFeed",
    "OperatorKey",
    "OperatorNetwork",
    "PointsLot",
    "Posting",
    "RefreshFamily",
    "RefreshToken",
    "Staff",
    "Trip",
]

"""Every table, imported so that Base.metadata knows them all (Alembic compares against it)."""

from domain.persistence.tables.audit import AuditEntry
from domain.persistence.tables.citizens import Citizen
from domain.persistence.tables.merchants import Merchant
from domain.persistence.tables.operators import Operator, OperatorKey
from domain.persistence.tables.staff import Staff
from domain.persistence.tables.tokens import RefreshFamily, RefreshToken

__all__ = [
    "AuditEntry",
    "Citizen",
    "Merchant",
    "Operator",
    "OperatorKey",
    "RefreshFamily",
    "RefreshToken",
    "Staff",
]

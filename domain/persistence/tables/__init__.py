"""Every table, imported so that Base.metadata knows them all (Alembic compares against it)."""

from domain.persistence.tables.adjustments import Adjustment
from domain.persistence.tables.alerts import Alert
from domain.persistence.tables.audit import AuditEntry
from domain.persistence.tables.bindings import Binding, BindingCode
from domain.persistence.tables.certificates import CertificateKey
from domain.persistence.tables.citizens import Citizen
from domain.persistence.tables.complaints import (
    Complaint,
    ComplaintAttachment,
    ComplaintStep,
    WorkingDayOverride,
)
from domain.persistence.tables.donations import Donation, DonationProject
from domain.persistence.tables.events import CarbonEvent, EventFactorSet, EventRetirement
from domain.persistence.tables.exchange import ExchangeDeal
from domain.persistence.tables.experts import Expert, Review, ReviewSeat
from domain.persistence.tables.feeds import FeedPull, OperatorFeed
from domain.persistence.tables.files import StoredFile
from domain.persistence.tables.idempotency import IdempotencyRecord
from domain.persistence.tables.institutions import InstitutionInviteCode, InstitutionMembership
from domain.persistence.tables.ledger import (
    Checkpoint,
    CitizenDay,
    LedgerAccount,
    PointsLot,
    Posting,
)
from domain.persistence.tables.market import (
    Listing,
    MarketOrder,
    PaymentNoticeRecord,
    ReferencePrice,
)
from domain.persistence.tables.merchants import Merchant, Store
from domain.persistence.tables.methodologies import MethodologyVersion
from domain.persistence.tables.networks import OperatorNetwork, StationDistrict
from domain.persistence.tables.nonces import OperatorNonce
from domain.persistence.tables.notices import NoticeVersion
from domain.persistence.tables.offers import Offer
from domain.persistence.tables.operators import Operator, OperatorKey
from domain.persistence.tables.organisations import Organisation, OrgApplication
from domain.persistence.tables.projects import MonitoringReport, Project, ProjectDocument
from domain.persistence.tables.reconciliation import ReconciliationItem, ReconciliationRun
from domain.persistence.tables.registry import (
    Aggregation,
    Issuance,
    RegistryAccount,
    RegistryMovement,
    Retirement,
    UnitBlock,
)
from domain.persistence.tables.staff import Staff
from domain.persistence.tables.staff_logins import StaffLoginFailures
from domain.persistence.tables.tokens import RefreshFamily, RefreshToken
from domain.persistence.tables.trips import OpenTap, Trip
from domain.persistence.tables.vouchers import (
    RedemptionConflict,
    SigningKey,
    Voucher,
    VoucherLot,
)

__all__ = [
    "Adjustment",
    "Aggregation",
    "Alert",
    "AuditEntry",
    "Binding",
    "BindingCode",
    "CarbonEvent",
    "CertificateKey",
    "Checkpoint",
    "Citizen",
    "CitizenDay",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintStep",
    "Donation",
    "DonationProject",
    "EventFactorSet",
    "EventRetirement",
    "ExchangeDeal",
    "Expert",
    "FeedPull",
    "IdempotencyRecord",
    "InstitutionInviteCode",
    "InstitutionMembership",
    "Issuance",
    "LedgerAccount",
    "Listing",
    "MarketOrder",
    "Merchant",
    "MethodologyVersion",
    "MonitoringReport",
    "NoticeVersion",
    "Offer",
    "OpenTap",
    "Operator",
    "OperatorFeed",
    "OperatorKey",
    "OperatorNetwork",
    "OperatorNonce",
    "OrgApplication",
    "Organisation",
    "PaymentNoticeRecord",
    "PointsLot",
    "Posting",
    "Project",
    "ProjectDocument",
    "ReconciliationItem",
    "ReconciliationRun",
    "RedemptionConflict",
    "ReferencePrice",
    "RefreshFamily",
    "RefreshToken",
    "RegistryAccount",
    "RegistryMovement",
    "Retirement",
    "Review",
    "ReviewSeat",
    "SigningKey",
    "Staff",
    "StaffLoginFailures",
    "StationDistrict",
    "Store",
    "StoredFile",
    "Trip",
    "UnitBlock",
    "Voucher",
    "VoucherLot",
    "WorkingDayOverride",
]

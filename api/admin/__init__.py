"""The staff audience: /v1/admin/* for admins, operations and auditors."""

from litestar import Router

from api.admin import (
    aggregations,
    alerts,
    complaints,
    experts,
    fund_pool,
    issuances,
    market_orders,
    notices,
    organisations,
    projects,
    working_days,
)
from api.admin.adjustments import AdminAdjustmentController
from api.admin.audit import AdminAuditController
from api.admin.certificate_keys import AdminCertificateKeyController
from api.admin.dashboard import AdminDashboardController
from api.admin.donations import AdminDonationController
from api.admin.event_factors import AdminEventFactorController
from api.admin.feeds import AdminFeedController
from api.admin.merchants import AdminMerchantController
from api.admin.methodologies import AdminMethodologyController
from api.admin.networks import AdminNetworkController
from api.admin.offers import AdminOfferController
from api.admin.operators import AdminOperatorController
from api.admin.points_rules import AdminPointsRulesController
from api.admin.reconciliation_payments import AdminPaymentReconciliationController
from api.admin.staff import AdminStaffController
from api.admin.vouchers import AdminVoucherController
from api.market.prices import AdminReferencePriceController

router = Router(
    path="/",
    route_handlers=[
        AdminOperatorController,
        AdminNetworkController,
        AdminFeedController,
        AdminMethodologyController,
        AdminPointsRulesController,
        AdminStaffController,
        AdminMerchantController,
        AdminAuditController,
        AdminDashboardController,
        AdminOfferController,
        AdminAdjustmentController,
        AdminDonationController,
        AdminVoucherController,
        AdminCertificateKeyController,
        AdminReferencePriceController,
        AdminEventFactorController,
        AdminPaymentReconciliationController,
        *organisations.CONTROLLERS,
        *experts.CONTROLLERS,
        *projects.CONTROLLERS,
        *issuances.CONTROLLERS,
        *aggregations.CONTROLLERS,
        *market_orders.CONTROLLERS,
        *fund_pool.CONTROLLERS,
        *notices.CONTROLLERS,
        *complaints.CONTROLLERS,
        *working_days.CONTROLLERS,
        *alerts.CONTROLLERS,
    ],
)

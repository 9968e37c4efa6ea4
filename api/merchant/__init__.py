"""The merchant audience: cashiers scan vouchers; merchants read redemptions and settlements."""

from litestar import Router

from api.merchant.complaints import MerchantComplaintController
from api.merchant.offers import MerchantApplicationController, MerchantOfferController
from api.merchant.redemptions import MerchantController

router = Router(
    path="/",
    route_handlers=[
        MerchantController,
        MerchantOfferController,
        MerchantApplicationController,
        MerchantComplaintController,
    ],
)

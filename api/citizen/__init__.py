"""The citizen audience: /v1/me/* (profile, points, bindings, vouchers, donations, live events),
the offer catalogue and the donation projects."""

from litestar import Router

from api.citizen import events as live  # the module: a bare `events` would hide it
from api.citizen.bindings import BindingController
from api.citizen.complaints import MyComplaintController
from api.citizen.donations import DonationProjectController, MyDonationController
from api.citizen.history import HistoryController
from api.citizen.institution import MyInstitutionController
from api.citizen.me import MeController
from api.citizen.neutrality import NeutralityController
from api.citizen.offers import OfferController
from api.citizen.vouchers import VoucherController

router = Router(
    path="/",
    route_handlers=[
        MeController,
        BindingController,
        HistoryController,
        OfferController,
        VoucherController,
        DonationProjectController,
        MyDonationController,
        NeutralityController,
        MyComplaintController,
        MyInstitutionController,
        live.events,
        live.stream,
    ],
)

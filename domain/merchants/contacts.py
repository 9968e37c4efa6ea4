"""A merchant contact's phone number: encrypted at rest under the data key (as operator
secrets are), decrypted only to show it to staff. Pure: no I/O."""

from __future__ import annotations

from domain.crypto import DataProtector
from domain.persistence.tables import Merchant


def seal_phone(protector: DataProtector, phone: str | None) -> str | None:
    return None if phone is None else protector.encrypt(phone)


def contact_phone(protector: DataProtector, merchant: Merchant) -> str | None:
    """The phone in clear, for staff views."""
    sealed = merchant.contact_phone_encrypted
    return None if sealed is None else protector.decrypt(sealed)

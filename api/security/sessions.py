"""Does the session of an access token still stand? The database says (domain/identity/
revocation.py); this process remembers the answer for a few seconds (session_cache.py), so a
client's stream of requests costs one small query every few seconds, not one per request."""

from __future__ import annotations

from api.security.session_cache import SessionCache
from domain.identity import revocation
from domain.identity.access_tokens import InvalidAccessToken
from domain.identity.principal import Principal
from domain.persistence.uow import Database, Event


class LiveSessions:
    def __init__(self, db: Database, cache: SessionCache) -> None:
        self._db = db
        self.cache = cache

    async def check(self, principal: Principal) -> None:
        """Raise 401 token_revoked unless the principal's session stands."""
        stands = self.cache.get(principal.family_id, principal.id)
        if stands is None:
            epoch = self.cache.epoch
            async with self._db.statements() as uow:  # one SELECT; no transaction to hold
                stands = await revocation.stands(uow, principal)
            self.cache.put(principal.family_id, principal.id, stands, epoch)
        if not stands:
            raise InvalidAccessToken("this login has ended", code="token_revoked")

    def absorb(self, events: list[Event]) -> list[Event]:
        """Forget the sessions a committed transaction ended; return the other events."""
        rest = []
        for event in events:
            if event.channel != revocation.SESSIONS_CHANNEL:
                rest.append(event)
            elif "family_id" in event.payload:
                self.cache.forget_family(event.payload["family_id"])
            elif "subject_id" in event.payload:
                self.cache.forget_subject(event.payload["subject_id"])
        return rest

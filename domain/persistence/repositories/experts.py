"""The expert pool, reviews and their seats."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import Expert, Project, Review, ReviewSeat


class ExpertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, expert: Expert) -> None:
        self.session.add(expert)

    async def get(self, expert_id: str) -> Expert | None:
        return await self.session.get(Expert, expert_id)

    async def by_staff(self, staff_id: str) -> Expert | None:
        stmt = select(Expert).where(Expert.staff_id == staff_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list(self, *, active: bool | None, after: str | None, limit: int) -> list[Expert]:
        stmt = select(Expert).order_by(Expert.id).limit(limit)
        if active is not None:
            stmt = stmt.where(Expert.active == active)
        if after:
            stmt = stmt.where(Expert.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def all_active(self) -> list[Expert]:
        """Every active expert: the pool a draw filters (hundreds at most)."""
        stmt = select(Expert).where(Expert.active.is_(True)).order_by(Expert.id)
        return list((await self.session.execute(stmt)).scalars())

    def add_review(self, review: Review) -> None:
        self.session.add(review)

    def add_seat(self, seat: ReviewSeat) -> None:
        self.session.add(seat)

    async def review(self, review_id: str, *, for_update: bool = False) -> Review | None:
        stmt = select(Review).where(Review.id == review_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def reviews(
        self,
        *,
        status: str | None,
        subject_kind: str | None,
        after: str | None,
        limit: int,
    ) -> list[Review]:
        stmt = select(Review).order_by(Review.id).limit(limit)
        if status:
            stmt = stmt.where(Review.status == status)
        if subject_kind:
            stmt = stmt.where(Review.subject_kind == subject_kind)
        if after:
            stmt = stmt.where(Review.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def latest_review(self, subject_kind: str, subject_id: str) -> Review | None:
        """The subject's most recent review (by when it was opened)."""
        stmt = (
            select(Review)
            .where(Review.subject_kind == subject_kind, Review.subject_id == subject_id)
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def panel(self, review_id: str) -> list[tuple[ReviewSeat, str]]:
        """The review's seats with their experts' names, for staff."""
        stmt = (
            select(ReviewSeat, Expert.name)
            .join(Expert, Expert.id == ReviewSeat.expert_id)
            .where(ReviewSeat.review_id == review_id)
            .order_by(ReviewSeat.expert_id)
        )
        return [(seat, name) for seat, name in (await self.session.execute(stmt)).all()]

    async def seats(self, review_id: str) -> list[ReviewSeat]:
        stmt = select(ReviewSeat).where(ReviewSeat.review_id == review_id)
        return list((await self.session.execute(stmt.order_by(ReviewSeat.expert_id))).scalars())

    async def seat(
        self, review_id: str, expert_id: str, *, for_update: bool = False
    ) -> ReviewSeat | None:
        stmt = select(ReviewSeat).where(
            ReviewSeat.review_id == review_id, ReviewSeat.expert_id == expert_id
        )
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def reviews_of(
        self, expert_id: str, *, after: str | None, limit: int
    ) -> list[tuple[Review, ReviewSeat]]:
        """The reviews an expert sits on, with their seat."""
        stmt = (
            select(Review, ReviewSeat)
            .join(ReviewSeat, ReviewSeat.review_id == Review.id)
            .where(ReviewSeat.expert_id == expert_id)
            .order_by(Review.id)
            .limit(limit)
        )
        if after:
            stmt = stmt.where(Review.id > after)
        return [(r, s) for r, s in (await self.session.execute(stmt)).all()]

    async def project(self, project_id: str) -> Project | None:
        """A project under review (its owner's affiliates are excluded from the panel)."""
        return await self.session.get(Project, project_id)

    async def registered_projects(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        """id -> (code, title) of those of the projects that are registered (public)."""
        if not ids:
            return {}
        stmt = select(Project.id, Project.code, Project.title).where(
            Project.id.in_(ids), Project.status == "registered"
        )
        return {i: (c or "", t) for i, c, t in (await self.session.execute(stmt)).all()}

    async def reviews_with_votes(
        self, *, subject_kind: str | None, after: str | None, limit: int
    ) -> list[tuple[Review, list[str | None]]]:
        """Reviews with their seats' votes (no expert ids): the public summary."""
        page = await self.reviews(status=None, subject_kind=subject_kind, after=after, limit=limit)
        votes: dict[str, list[str | None]] = {r.id: [] for r in page}
        if page:
            stmt = select(ReviewSeat.review_id, ReviewSeat.vote).where(
                ReviewSeat.review_id.in_(list(votes))
            )
            for review_id, vote in (await self.session.execute(stmt)).all():
                votes[review_id].append(vote)
        return [(r, votes[r.id]) for r in page]

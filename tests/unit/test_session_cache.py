"""The per-process memory of "does this session stand?": seconds for a standing session, for
good for an ended one, forgotten at once when this process ends it, never stale after a race."""

from __future__ import annotations

from api.security.session_cache import SessionCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_standing_session_is_remembered_for_its_seconds_only() -> None:
    clock = Clock()
    cache = SessionCache(2, clock=clock)
    assert cache.get("fam-1", "alice") is None
    cache.put("fam-1", "alice", True, cache.epoch)
    assert cache.get("fam-1", "alice") is True
    clock.now += 1.9
    assert cache.get("fam-1", "alice") is True
    clock.now += 0.2
    assert cache.get("fam-1", "alice") is None  # ask the database again


def test_an_ended_session_stays_ended() -> None:
    clock = Clock()
    cache = SessionCache(2, clock=clock)
    cache.put("fam-1", "alice", False, cache.epoch)
    clock.now += 10_000
    assert cache.get("fam-1", "alice") is False


def test_a_family_is_only_answered_for_its_own_subject() -> None:
    cache = SessionCache(2, clock=Clock())
    cache.put("fam-1", "alice", True, cache.epoch)
    assert cache.get("fam-1", "mallory") is None


def test_forgetting_a_family_or_a_subject() -> None:
    cache = SessionCache(60, clock=Clock())
    for family, subject in (("f1", "alice"), ("f2", "alice"), ("f3", "bob")):
        cache.put(family, subject, True, cache.epoch)
    cache.forget_family("f1")
    assert cache.get("f1", "alice") is None
    assert cache.get("f2", "alice") is True
    cache.forget_subject("alice")  # every session of a disabled or erased account
    assert cache.get("f2", "alice") is None
    assert cache.get("f3", "bob") is True


def test_an_answer_read_before_a_revocation_is_not_stored() -> None:
    cache = SessionCache(60, clock=Clock())
    epoch = cache.epoch  # a request starts asking the database: the session stands
    cache.forget_subject("alice")  # meanwhile a revocation commits
    cache.put("f1", "alice", True, epoch)  # the stale answer arrives
    assert cache.get("f1", "alice") is None


def test_zero_seconds_remembers_no_standing_session() -> None:
    cache = SessionCache(0, clock=Clock())
    cache.put("f1", "alice", True, cache.epoch)
    assert cache.get("f1", "alice") is None
    cache.put("f2", "alice", False, cache.epoch)
    assert cache.get("f2", "alice") is False


def test_the_cache_is_bounded() -> None:
    cache = SessionCache(60, clock=Clock(), max_entries=3)
    for i in range(10):
        cache.put(f"f{i}", "alice", True, cache.epoch)
    remembered = [i for i in range(10) if cache.get(f"f{i}", "alice") is not None]
    assert 1 <= len(remembered) <= 3
    assert 9 in remembered

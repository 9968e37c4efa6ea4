"""Bus: boarding records + the operator's stops -> trips."""

from integrations.bus.boardings import DETOUR_FACTOR, read_boardings

__all__ = ["DETOUR_FACTOR", "read_boardings"]

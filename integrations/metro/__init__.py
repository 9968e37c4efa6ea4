"""Metro: journeys (or raw taps paired per account) + the operator's station network -> trips."""

from integrations.metro.journeys import read_journeys
from integrations.metro.taps import Pairing, Tap, journey_id, journey_record, pair, read_taps

__all__ = ["Pairing", "Tap", "journey_id", "journey_record", "pair", "read_journeys", "read_taps"]

"""Which adapter reads which format: the registrations of the feed port (domain/trips/readers).

A new format is a new adapter module plus one line here.
"""

from __future__ import annotations

from domain.trips.readers import FeedReaders, Format
from integrations.bikeshare.mds import MdsReader
from integrations.bus.boardings import BoardingReader
from integrations.metro.journeys import JourneyReader
from integrations.metro.taps import TapReader


def default_readers() -> FeedReaders:
    readers = FeedReaders()
    readers.register(Format("metro-journeys", "metro", JourneyReader(), envelope="trips"))
    readers.register(Format("metro-taps", "metro", TapReader(), envelope="taps", records="taps"))
    readers.register(Format("mds-2.0", "bikeshare", MdsReader(), envelope="trips"))
    readers.register(Format("mds-1.2", "bikeshare", MdsReader()))
    readers.register(Format("bus-boardings", "bus", BoardingReader(), envelope="trips"))
    return readers

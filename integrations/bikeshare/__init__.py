"""Bike-share: MDS trips (pushed, or pulled from the operator's MDS endpoint) -> trips."""

from integrations.bikeshare.mds import read_mds_trips
from integrations.bikeshare.pull import MdsPullClient

__all__ = ["MdsPullClient", "read_mds_trips"]

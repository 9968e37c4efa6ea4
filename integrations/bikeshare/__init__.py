"""Bike-share: MDS trips (pushed, or pulled from the operator's MDS endpoint) -> trips."""

from integrations.bikeshare.mds import read_mds_trips

__all__ = ["read_mds_trips"]

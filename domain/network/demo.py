"""The Nanjing metro demo network (lines 1 and 2), shipped in `data/nanjing-metro-demo/`."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from domain.network.graph import Network, from_gtfs

DEMO_DIR = "nanjing-metro-demo"


def demo_file(name: str) -> str:
    """The text of one file of the demo network (stops.txt, route_stops.txt, routes.txt, ...)."""
    return resources.files("domain.network.data").joinpath(DEMO_DIR, name).read_text("utf-8")


@lru_cache(maxsize=1)
def nanjing_demo() -> Network:
    """The demo network, loaded once per process (its distance caches are shared)."""
    return from_gtfs(demo_file("stops.txt"), demo_file("route_stops.txt"))

"""The service's status vocabularies, one enum each, used by the store, services and schemas."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    SOLVED = "solved"
    """Placements computed and stored; occupancy unchanged."""
    COMMITTED = "committed"
    """Placements added to the facilities' occupancy."""


class TransferStatus(StrEnum):
    EVALUATED = "evaluated"
    """Reviewed; awaiting a decision."""
    AWAITING_APPROVAL = "awaiting-approval"
    """A decision against the recommendation awaits a second reviewer."""
    GRANTED = "granted"
    """Granted and applied to the population and occupancy."""
    DENIED = "denied"
    WAIT_LISTED = "wait-listed"
    """On the home region's waiting list: the next campaign and the next weekly allocation move
    the convict there when a place is free, in order of the date received."""


class BenchmarkStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED_BENCHMARKS = (BenchmarkStatus.QUEUED, BenchmarkStatus.RUNNING)
"""A benchmark in these states still has a worker to wait for."""

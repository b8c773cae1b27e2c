"""Small factories shared by the policy tests: a network, policies read from mappings, runs."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from optimizer.policies import BenchmarkResult, BenchmarkSettings, Mode, Policy, parse_policy
from optimizer.policies.simulate import run_benchmark
from tests.helpers import facilities_table, facility, regions_table

MERGE = {"name": "merge", "merge": [{"levels": ["medium", "maximum"]}]}


def small_network() -> pd.DataFrame:
    """Medium and maximum facilities for men and women in two regions, some nearly full."""
    return facilities_table(
        facility("A-MED", "KZ-71", capacity=6, occupied=2),
        facility("A-MAX", "KZ-71", security_level="maximum", capacity=4, occupied=1),
        facility("K-MED", "KZ-35", capacity=8, occupied=0),
        facility("K-MAX", "KZ-35", security_level="maximum", capacity=8, occupied=3),
        facility(
            "K-TB", "KZ-35", security_level="maximum", capacity=3, medical_profile="tuberculosis"
        ),
        facility("A-WOM", "KZ-75", sex="F", capacity=5),
        facility("A-JUV", "KZ-75", age_category="juvenile", capacity=3),
        facility("S-OFF", "KZ-79", for_former_officers=True, capacity=3),
    )


def policy(document: Mapping[str, object], facilities: pd.DataFrame | None = None) -> Policy:
    """A policy parsed from a mapping against `small_network()` (or the network given)."""
    network = small_network() if facilities is None else facilities
    return parse_policy(document, network, regions_table(), file="test.toml")


def steady(
    policies: list[Policy], convicts: pd.DataFrame, facilities: pd.DataFrame
) -> BenchmarkResult:
    """One steady-state seed of `convicts` in `facilities`."""
    settings = BenchmarkSettings(seeds=(0,), weeks=0, modes=(Mode.STEADY,))
    return run_benchmark(policies, convicts, regions_table(), facilities, settings)

"""Policy benchmarks: what a reform of the network would do to placements."""

from optimizer.policies.benchmark import BenchmarkKeywords, BenchmarkResult, BenchmarkSettings
from optimizer.policies.metrics import (
    EFFECT_METRICS,
    KM_PER_CARRIAGE_DAY,
    paired_effects,
    region_metrics,
    run_metrics,
    summarize_over_seeds,
    t_interval,
    utilisation_by_level,
)
from optimizer.policies.parse import parse_policy, read_policy
from optimizer.policies.policy import CapacityChange, LevelMerge, Policy, capacity_excess
from optimizer.policies.populations import bootstrap, cohort_table, read_standing_population
from optimizer.policies.runs import Mode, PolicyRun
from optimizer.policies.simulate import run_benchmark

__all__ = [
    "EFFECT_METRICS",
    "KM_PER_CARRIAGE_DAY",
    "BenchmarkKeywords",
    "BenchmarkResult",
    "BenchmarkSettings",
    "CapacityChange",
    "LevelMerge",
    "Mode",
    "Policy",
    "PolicyRun",
    "bootstrap",
    "capacity_excess",
    "cohort_table",
    "paired_effects",
    "parse_policy",
    "read_policy",
    "read_standing_population",
    "region_metrics",
    "run_benchmark",
    "run_metrics",
    "summarize_over_seeds",
    "t_interval",
    "utilisation_by_level",
]

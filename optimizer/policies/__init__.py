"""Policy benchmarks: what a reform of the network would do to placements."""

from optimizer.policies.simulate import (
    KM_PER_CARRIAGE_DAY,
    BenchmarkResult,
    Mode,
    Policy,
    PolicyRun,
    parse_policy,
    read_policy,
    read_standing_population,
    run_benchmark,
)

__all__ = [
    "KM_PER_CARRIAGE_DAY",
    "BenchmarkResult",
    "Mode",
    "Policy",
    "PolicyRun",
    "parse_policy",
    "read_policy",
    "read_standing_population",
    "run_benchmark",
]

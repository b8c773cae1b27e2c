"""How fast explanations are: all convicts of a national run in each language, and one alone.

    python benchmarks/explain.py [--size 32000] [--seed 1] [--singles 200]

The national network is emptied (occupied 0) so a 32,000-convict cohort is a national-scale run.
"Exact by re-solve" is the alternative that the potentials replace: one re-solve per closer
facility; its time is measured on a sample of convicts and extrapolated.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.allocation import cohort, network_for
from optimizer.allocation import solve
from optimizer.data import read_regions
from optimizer.explain import explain_all, explain_convict, explain_placements, render_explanation
from optimizer.explain.render import words_for
from optimizer.i18n import LANGUAGES


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=32000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--singles", type=int, default=200)
    args = parser.parse_args()

    regions = read_regions()
    facilities = network_for(args.size, regions)
    convicts = cohort(args.size, args.seed, regions)
    start = time.perf_counter()
    solution = solve(convicts, facilities)
    solve_s = time.perf_counter() - start

    start = time.perf_counter()
    explanations = explain_all(solution, regions)
    all_s = time.perf_counter() - start
    typed = explain_placements(solution)
    render_s = {}
    for lang in LANGUAGES:
        start, cpu = time.perf_counter(), time.process_time()
        words = words_for(lang, regions, facilities)
        for explanation in typed:
            render_explanation(explanation, lang, words=words)
        render_s[lang] = (time.perf_counter() - start, time.process_time() - cpu)

    rng = np.random.default_rng(args.seed)
    sample = rng.choice(len(convicts), size=min(args.singles, len(convicts)), replace=False)
    single_times = []
    for i in sample:
        start = time.perf_counter()
        render_explanation(explain_convict(solution, regions, int(i)), "en", regions)
        single_times.append(time.perf_counter() - start)
    closer = np.mean([len(explanations[int(i)]["closer_facilities"]) for i in sample])

    print(f"run: {args.size:,} convicts, {solution.method}, solved in {solve_s:.2f} s")
    print(f"all explanations (data): {all_s:.2f} s ({all_s / args.size * 1e6:.0f} us each)")
    for lang, (seconds, cpu_s) in render_s.items():
        print(f"all {args.size:,} texts rendered in {lang}: {seconds:.2f} s ({cpu_s:.2f} s of CPU)")
    print(
        f"one explanation, data + English text: p50 {np.median(single_times) * 1000:.1f} ms, "
        f"p99 {np.percentile(single_times, 99) * 1000:.1f} ms (n={len(sample)})"
    )
    print(
        f"exact by re-solving instead: {closer:.1f} closer facilities per convict "
        f"x {solve_s:.2f} s = about {closer * solve_s:.1f} s per convict, "
        f"{closer * solve_s / max(np.median(single_times), 1e-9):,.0f}x slower"
    )


if __name__ == "__main__":
    main()

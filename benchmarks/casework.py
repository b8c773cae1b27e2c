"""Transfer casework speed: a review on the national population (now listing every facility a
reviewer may choose), and a decision's notices (the words, HTML and PDF) per language.

    python benchmarks/casework.py [--reviews 50] [--notices 20]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

import numpy as np

from api.services.transfer_notices import notice_documents
from optimizer.data import read_facilities, read_regions
from optimizer.population import read_population
from optimizer.transfers import (
    Applicant,
    Casework,
    DecisionRecord,
    NoticeKind,
    Verdict,
    build_notice,
    evaluate_request,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=50)
    parser.add_argument("--notices", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    regions = read_regions(None)
    facilities = read_facilities(None, regions)
    population = read_population(None, regions, facilities)
    rng = np.random.default_rng(args.seed)
    ids = rng.choice(population["convict_id"].to_numpy(), size=args.reviews, replace=False)
    review_s, evaluations = [], []
    for convict_id in ids:
        start = time.perf_counter()
        evaluations.append(evaluate_request(population, facilities, regions, str(convict_id)))
        review_s.append(time.perf_counter() - start)
    print("| step | n | median ms | max ms |")
    print("|---|---:|---:|---:|")
    print(row("review (national population, 80 facilities)", review_s))
    day = datetime.date(2026, 12, 7)
    record = DecisionRecord("R-1", Verdict.DENY, None, "—", day, "desk")
    for lang in ("en", "ru", "kk"):
        words_s, html_pdf_s = [], []
        case = Casework(Applicant.CONVICT, day, named_person="—", language=lang)
        for evaluation in evaluations[: args.notices]:
            start = time.perf_counter()
            notice = build_notice(evaluation, case, record, NoticeKind.FAMILY)
            words_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            notice_documents(notice, day)
            html_pdf_s.append(time.perf_counter() - start)
        print(row(f"notice words ({lang})", words_s))
        print(row(f"notice HTML + PDF ({lang})", html_pdf_s))


def row(step: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"| {step} | {len(ms)} | {statistics.median(ms):,.1f} | {max(ms):,.1f} |"


if __name__ == "__main__":
    main()

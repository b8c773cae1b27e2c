"""Each kind of sentence of an explanation, pinned in English from the eligibility count on.

One case per unplaced reason (and the placed case outside the home region): the whole text
after the profile and the rules must read as decided, so any change to a sentence is seen.
"""

from __future__ import annotations

import pytest

from optimizer.allocation import solve
from optimizer.explain import explain_placements, render_explanation
from tests.helpers import convict, convicts_table, facilities_table, facility, regions_table

CASES = [
    (
        "no-eligible-facility",
        [convict("W", sex="F")],
        [facility("M1")],
        "W",
        [
            "Eligible facilities: 0 of 1; excluded: men and women apart 1.",
            "Not placed: the network has no medium security facility for a woman (adult).",
            "The law allows this sentence: this is a gap of the network, not of the person.",
            (
                "The home region (Astana (city)) has no eligible facility for this convict, so "
                "serving there is not possible (Penal Executive Code art. 88)."
            ),
            (
                "The figures are exact: each was checked against every other lawful placement of "
                "this batch."
            ),
        ],
    ),
    (
        "eligible-facilities-full.one",
        [convict("A"), convict("B")],
        [facility("F1", capacity=1)],
        "B",
        [
            "Eligible facilities: 1 of 1; excluded: none.",
            "Not placed: the only eligible facility is full.",
            (
                "Shortage: 2 convicts of this category for 1 free place in their eligible "
                "facilities (short by 1 place)."
            ),
            "The home region's eligible facilities are full: F1.",
            "Eligible facilities, and why there is no place there:",
            (
                "- Facility F1 (F1), 0 km: it is full: its 1 free place went to 1 convict from "
                "Astana (city) (mean 0 km). Moving this convict there would leave the run's "
                "totals unchanged: it is an equally good choice."
            ),
            (
                "Smallest change: one more place at Facility F1 (F1) would let this convict be "
                "placed there; 1 more convict would be placed."
            ),
            (
                "The figures are exact: each was checked against every other lawful placement of "
                "this batch."
            ),
        ],
    ),
    (
        "eligible-facilities-full",
        [convict("A"), convict("B"), convict("C", "KZ-35")],
        [facility("F1", capacity=1), facility("F2", "KZ-75", capacity=1)],
        "B",
        [
            "Eligible facilities: 2 of 2; excluded: none.",
            "Not placed: all 2 eligible facilities are full.",
            (
                "Shortage: 3 convicts of this category for 2 free places in their eligible "
                "facilities (short by 1 place)."
            ),
            "The home region's eligible facilities are full: F1.",
            "Eligible facilities, and why there is no place there:",
            (
                "- Facility F1 (F1), 0 km: it is full: its 1 free place went to 1 convict from "
                "Astana (city) (mean 0 km). Moving this convict there would leave the run's "
                "totals unchanged: it is an equally good choice."
            ),
            (
                "- Facility F2 (F2), 972 km: it is full: its 1 free place went to 1 convict from "
                "Karaganda region (mean 784 km). If this convict were moved there, the total "
                "distance would grow by 189 km."
            ),
            (
                "Smallest change: one more place at Facility F1 (F1) would let this convict be "
                "placed there; 1 more convict would be placed."
            ),
            (
                "The figures are exact: each was checked against every other lawful placement of "
                "this batch."
            ),
        ],
    ),
    (
        "co-defendant-separation",
        [convict("A", case_id="K"), convict("B", case_id="K")],
        [facility("F1", capacity=5)],
        "B",
        [
            "Eligible facilities: 1 of 1; excluded: none.",
            "Not placed: every eligible facility with a free place already holds a co-defendant.",
            "Eligible facilities, and why there is no place there:",
            (
                "- Facility F1 (F1), 0 km: co-defendant A serves there, and co-defendants are "
                "kept apart."
            ),
            (
                "No extra place would get this convict placed: the eligible facilities are out "
                "of reach for other reasons than their capacity."
            ),
            (
                "The figures are exact: each was checked against every other lawful placement of "
                "this batch."
            ),
        ],
    ),
    (
        "placed-outside-the-home-region",
        [convict("A", "KZ-35")],
        [facility("F1", capacity=5), facility("F2", "KZ-79")],
        "A",
        [
            "Eligible facilities: 2 of 2; excluded: none.",
            (
                "Placed at Facility F1 (F1), Astana (city), 193 km from home: the closest of the "
                "eligible facilities, outside the home region."
            ),
            (
                "The home region (Karaganda region) has no eligible facility for this convict, so"
                " serving there is not possible (Penal Executive Code art. 88)."
            ),
            "No eligible facility is closer to home.",
            (
                "The figures are exact: each was checked against every other lawful placement of "
                "this batch."
            ),
        ],
    ),
]


@pytest.mark.parametrize(("kind", "convicts", "facilities", "convict_id", "expected"), CASES)
def test_the_sentences_of_an_explanation_read_as_decided(
    kind: str,
    convicts: list[dict[str, object]],
    facilities: list[dict[str, object]],
    convict_id: str,
    expected: list[str],
) -> None:
    solution = solve(convicts_table(*convicts), facilities_table(*facilities))
    [explanation] = [e for e in explain_placements(solution) if e.convict_id == convict_id]
    if kind != "placed-outside-the-home-region":
        assert explanation.unplaced is not None
        assert explanation.unplaced.reason.value == kind.removesuffix(".one")
    lines = render_explanation(explanation, "en", regions_table()).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Eligible facilities:"))
    assert lines[start:] == expected

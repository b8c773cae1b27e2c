"""Reading policy files: the bundled files, every validation problem, TOML errors, names."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.data import DATA_DIR, read_facilities, read_regions
from optimizer.domain import InputError
from optimizer.policies.parse import parse_policy, read_policy
from tests.helpers import facility, regions_table
from tests.optimizer.policies.helpers import policy, small_network

POLICY_DIR = DATA_DIR / "policies"


def test_bundled_policy_files_are_valid_for_the_national_network() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    names = {p.stem for p in POLICY_DIR.glob("*.toml")}
    assert {
        "baseline",
        "merge-medium-maximum",
        "merge-maximum-extreme",
        "single-cell",
        "merge-medium-maximum-single-cell",
    } <= names
    for path in POLICY_DIR.glob("*.toml"):
        read = read_policy(path, facilities, regions)
        assert read.name == path.stem
    merger = read_policy(POLICY_DIR / "merge-medium-maximum.toml", facilities, regions)
    assert merger.level_map() == {"medium": "medium", "maximum": "medium"}


@pytest.mark.parametrize(
    ("document", "column", "fragment"),
    [
        ({"name": "x", "colour": "red"}, "colour", "unknown key"),
        (
            {"merge": [{"levels": ["medium", "maximum"], "into": "x"}]},
            "merge[0].into",
            "unknown key",
        ),
        (
            {"merge": [{"levels": ["medium", "severe"]}]},
            "merge[0].levels[1]",
            "unknown security level 'severe'",
        ),
        ({"merge": [{"levels": ["medium"]}]}, "merge[0].levels", "at least two"),
        (
            {"merge": [{"levels": ["medium", "maximum"], "label": "minimum"}]},
            "merge[0].label",
            "must be one of the merged levels",
        ),
        (
            {"merge": [{"levels": ["medium", "maximum"]}, {"levels": ["maximum", "extreme"]}]},
            "merge[1].levels",
            "already merged",
        ),
        ({"close": ["A-MED", "NOPE"]}, "close[1]", "unknown facility id 'NOPE'"),
        ({"capacity": [{"levels": ["medium"], "factor": 0}]}, "capacity[0].factor", "positive"),
        ({"capacity": [{"levels": ["medium"], "factor": -0.5}]}, "capacity[0].factor", "positive"),
        (
            {"capacity": [{"levels": ["medium"], "factor": "half"}]},
            "capacity[0].factor",
            "positive",
        ),
        ({"capacity": [{"levels": ["medium"], "factor": True}]}, "capacity[0].factor", "positive"),
        ({"capacity": [{"levels": ["medium"]}]}, "capacity[0].factor", "missing"),
        ({"capacity": [{"factor": 0.8}]}, "capacity[0]", "exactly one of"),
        (
            {"capacity": [{"facility_ids": ["ZZZ"], "factor": 0.8}]},
            "capacity[0].facility_ids[0]",
            "unknown facility id",
        ),
        (
            {"capacity": [{"levels": ["medium"], "factor": 0.8, "rounding": "up"}]},
            "capacity[0].rounding",
            "unknown key",
        ),
        ({"add": [{**facility("NEW", "KZ-71"), "colour": "red"}]}, "add[0].colour", "unknown key"),
        (
            {"add": [{**facility("NEW", "KZ-71"), "region": "KZ-99"}]},
            "add[0].region",
            "unknown region code",
        ),
        ({"add": [facility("A-MED", "KZ-71")]}, "add[0].facility_id", "already exists"),
        ({"add": [facility("NEW", "KZ-71", capacity=-1)]}, "add[0].capacity", "negative"),
    ],
)
def test_invalid_policy_names_the_file_and_key(
    document: dict[str, object], column: str, fragment: str
) -> None:
    with pytest.raises(InputError) as raised:
        policy(document)
    problems = raised.value.problems
    assert any(p.column == column and fragment in p.message for p in problems), problems
    assert all(p.file == "test.toml" and p.row is None for p in problems)


def test_unreadable_toml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_policy(path, small_network(), regions_table())
    assert raised.value.problems[0].file == "broken.toml"
    assert "not valid TOML" in raised.value.problems[0].message


def test_policy_file_name_is_the_default_policy_name(tmp_path: Path) -> None:
    path = tmp_path / "close-astana.toml"
    path.write_text('close = ["A-MED"]\n', encoding="utf-8")
    assert read_policy(path, small_network(), regions_table()).name == "close-astana"


def test_parsed_policy_keeps_title_merges_and_closures_in_order() -> None:
    """A well-formed document gives the policy it describes, its label the lowest level."""
    read = parse_policy(
        {
            "name": " reform ",
            "title": "A reform",
            "close": ["K-MED"],
            "merge": [{"levels": ["maximum", "medium"]}],
        },
        small_network(),
        regions_table(),
    )
    assert (read.name, read.title, read.closures) == ("reform", "A reform", ("K-MED",))
    assert read.merges[0].label.value == "medium"
    assert [level.value for level in read.merges[0].levels] == ["maximum", "medium"]

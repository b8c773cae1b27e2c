"""Every validation error names its file, row and column; nothing bad gets through."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.data import (
    HISTORY_NOTICE,
    read_convicts,
    read_facilities,
    read_regions,
    records_table,
    validate_convicts,
    validate_facilities,
)
from optimizer.domain import InputError
from tests.helpers import convict, facility, regions_table


def problems_of(call, *args) -> list[tuple[int | None, str | None, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        call(*args)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def facility_problems(**fields: object) -> list[tuple[int | None, str | None, str]]:
    record = facility("F1")
    record.update(fields)
    return problems_of(validate_facilities, records_table([record]), regions_table())


def convict_problems(**fields: object) -> list[tuple[int | None, str | None, str]]:
    record = convict("C1")
    record.update(fields)
    return problems_of(validate_convicts, records_table([record]), regions_table())


LEVELS = "complete, extreme, maximum, medium, minimum, mixed"
REGIONS = "KZ-35, KZ-71, KZ-75, KZ-79"


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        (
            {"security_level": "strict"},
            "security_level",
            f"unknown security level 'strict'; expected one of {LEVELS}",
        ),
        ({"sex": "X"}, "sex", "unknown sex 'X'; expected one of F, M"),
        ({"region": "KZ-99"}, "region", f"unknown region code 'KZ-99'; expected one of {REGIONS}"),
        ({"capacity": -1}, "capacity", "-1 is negative"),
        ({"capacity": 2.5}, "capacity", "'2.5' is not a whole number"),
        ({"capacity": 5, "occupied": 6}, "occupied", "6 is above the facility's capacity"),
        ({"occupied": -2}, "occupied", "-2 is negative"),
        ({"lat": 60.0}, "lat", "60.0 is outside Kazakhstan's latitudes (40.5 to 55.5)"),
        ({"lon": 30.0}, "lon", "30.0 is outside Kazakhstan's longitudes (46.4 to 87.4)"),
        ({"for_former_officers": "maybe"}, "for_former_officers", "'maybe' is not true or false"),
        (
            {"age_category": "child"},
            "age_category",
            "unknown age category 'child'; expected one of adult, juvenile",
        ),
    ],
)
def test_bad_facility_cells_are_named(fields: dict[str, object], column: str, message: str) -> None:
    assert facility_problems(**fields) == [(1, column, message)]


@pytest.mark.parametrize(("capacity", "occupied"), [(0, 0), (5, 5), (5, 0)])
def test_a_full_or_empty_facility_is_valid(capacity: int, occupied: int) -> None:
    record = facility("F1", capacity=capacity, occupied=occupied)
    table = validate_facilities(records_table([record]), regions_table())
    assert (table["capacity"].iat[0], table["occupied"].iat[0]) == (capacity, occupied)


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        ({"age": 13}, "age", "13 is outside the accepted ages (14 to 100)"),
        ({"age": 101}, "age", "101 is outside the accepted ages (14 to 100)"),
        ({"age": "old"}, "age", "'old' is not a number"),
        (
            {"home_region": "KZ-ALA"},
            "home_region",
            f"unknown region code 'KZ-ALA'; expected one of {REGIONS}",
        ),
        ({"home_lat": 51.0}, "home_lon", "home_lat and home_lon must be given together"),
        (
            {"home_lat": 30.0, "home_lon": 70.0},
            "home_lat",
            "30.0 is outside Kazakhstan's latitudes (40.5 to 55.5)",
        ),
        (
            {"home_lat": 51.0, "home_lon": 95.0},
            "home_lon",
            "95.0 is outside Kazakhstan's longitudes (46.4 to 87.4)",
        ),
        ({"security_level": ""}, "security_level", "is empty; a value is required"),
        (
            {"security_level": "strict"},
            "security_level",
            f"unknown security level 'strict'; expected one of {LEVELS}",
        ),
        ({"sex": "X"}, "sex", "unknown sex 'X'; expected one of F, M"),
        ({"former_officer": "maybe"}, "former_officer", "'maybe' is not true or false"),
    ],
)
def test_bad_convict_cells_are_named(fields: dict[str, object], column: str, message: str) -> None:
    assert convict_problems(**fields) == [(1, column, message)]


@pytest.mark.parametrize("age", [14, 17, 18, 100])
def test_boundary_ages_are_accepted(age: int) -> None:
    table = validate_convicts(records_table([convict("C1", age=age)]), regions_table())
    assert table["age_category"].iat[0] == ("juvenile" if age < 18 else "adult")


def test_duplicate_ids_point_to_the_first_use() -> None:
    raw = records_table([convict("C1"), convict("C2"), convict("C1"), convict("C1")])
    assert problems_of(validate_convicts, raw, regions_table()) == [
        (3, "convict_id", "duplicate id 'C1' (first used in row 1)"),
        (4, "convict_id", "duplicate id 'C1' (first used in row 1)"),
    ]


def test_duplicate_facility_ids_are_named() -> None:
    raw = records_table([facility("F1"), facility("F2"), facility("F2")])
    assert problems_of(validate_facilities, raw, regions_table()) == [
        (3, "facility_id", "duplicate id 'F2' (first used in row 2)")
    ]


def test_every_problem_is_reported_at_once() -> None:
    raw = records_table([convict("C1", age=5, sex="Q"), convict("C2", home_region="nowhere")])
    assert sorted(problems_of(validate_convicts, raw, regions_table())) == [
        (1, "age", "5 is outside the accepted ages (14 to 100)"),
        (1, "sex", "unknown sex 'Q'; expected one of F, M"),
        (2, "home_region", f"unknown region code 'nowhere'; expected one of {REGIONS}"),
    ]


def test_a_repeated_column_is_named_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "week.csv"
    path.write_text("convict_id,sex,age,security_level,home_region,sex\nC1,M,30,medium,KZ-71,M\n")
    with pytest.raises(InputError) as caught:
        read_convicts(path, regions_table())
    assert [str(p) for p in caught.value.problems] == [
        "week.csv, column sex: column appears more than once"
    ]


def test_missing_and_unknown_columns_are_named_with_their_file(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text("convict_id,sex,age,security_level,colour\nC1,M,30,medium,red\n")
    with pytest.raises(InputError) as caught:
        read_convicts(path, regions_table())
    assert [str(p) for p in caught.value.problems] == [
        "new.csv, column colour: unknown column",
        "new.csv, column home_region: required column is missing",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "new.csv: the file is empty"),
        ("convict_id,sex,age,security_level,home_region\n", "new.csv: the table has no rows"),
    ],
)
def test_empty_files_are_rejected(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "new.csv"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        read_convicts(path, regions_table())
    assert [str(p) for p in caught.value.problems] == [message]


def test_optional_columns_take_their_defaults() -> None:
    raw = pd.DataFrame(
        {
            c: [v]
            for c, v in facility("F1").items()
            if c not in {"occupied", "medical_profile", "for_former_officers"}
        }
    ).astype(str)
    table = validate_facilities(raw, regions_table())
    assert table["occupied"].iat[0] == 0 and not table["for_former_officers"].iat[0]


def test_home_point_defaults_to_the_region_centre() -> None:
    table = validate_convicts(records_table([convict("C1", "KZ-75")]), regions_table())
    assert (table["home_lat"].iat[0], table["home_lon"].iat[0]) == (43.26, 76.93)


def test_bundled_data_set_is_valid_and_calibrated() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    assert len(regions) == 20 and len(facilities) == 80
    counts = facilities["security_level"].value_counts()
    assert counts["medium"] == 21 and counts["maximum"] == 22
    assert (facilities["sex"] == "F").sum() == 6
    assert (facilities["age_category"] == "juvenile").sum() == 1
    assert (facilities["medical_profile"] != "").sum() == 4
    assert 31_000 <= facilities["occupied"].sum() <= 33_000


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        (
            {"security_level": "mixed"},
            "security_level",
            "Mixed security is not a court sentence: convicts stay in a pre-trial detention centre "
            "(SIZO) for household work by an administrative decision, and the allocation places "
            "court sentences only (Penal Executive Code of 1997 art. 69 part 1 and art. 72 "
            "(household work in SIZO); the article of the 2014 code was not found; "
            "court-sentence-only)",
        ),
        (
            {"sex": "F", "security_level": "extreme"},
            "security_level",
            "Women are not sentenced to extreme security (Criminal Code art. 46 part 5 (as "
            "amended on 17 March 2023); no-extreme-security-for-women)",
        ),
        (
            {"age": 16, "security_level": "maximum"},
            "security_level",
            "Convicts under 18 at sentencing serve in medium-security institutions for minors "
            "(Criminal Code art. 46 parts 5-6 (as amended on 17 March 2023); Penal Executive "
            "Code art. 150; juveniles-serve-medium-security)",
        ),
        (
            {"security_level": "maximum", "life_sentence": True},
            "security_level",
            "Convicts sentenced to life serve in extreme-security institutions (Penal "
            "Executive Code art. 140 part 1; life-sentence-extreme-security)",
        ),
        (
            {"age": 17, "life_sentence": True},
            "life_sentence",
            "Life imprisonment is not imposed on women or on those who offended under 18 "
            "(Criminal Code art. 46 part 4; no-life-sentence-for-women-or-juveniles)",
        ),
        (
            {"age": 63, "security_level": "extreme", "life_sentence": True},
            "life_sentence",
            "Life imprisonment is not imposed on men aged 63 or more at sentencing (Criminal "
            "Code art. 46 part 4; no-life-sentence-from-63)",
        ),
    ],
)
def test_sentences_the_law_forbids_are_bad_input(
    fields: dict[str, object], column: str, message: str
) -> None:
    assert convict_problems(**fields) == [(1, column, message)]


def test_lawful_sentences_pass() -> None:
    raw = records_table(
        [
            convict("LIFER", security_level="extreme", life_sentence=True, age=62),
            convict("WOMAN", sex="F", security_level="minimum"),
            convict("BOY", age=16, criminal_history="repeat"),
        ]
    )
    table = validate_convicts(raw, regions_table())
    assert list(table["life_sentence"]) == [True, False, False]
    assert list(table["criminal_history"]) == ["first-time", "first-time", "repeat"]


def test_household_workers_in_a_sizo_are_valid_only_as_placed_convicts() -> None:
    raw = records_table([convict("C1", security_level="mixed")])
    assert validate_convicts(raw, regions_table(), placed=True)["security_level"].iat[0] == "mixed"
    with pytest.raises(InputError):
        validate_convicts(raw, regions_table())


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"criminal_history": "twice"},
            (
                1,
                "criminal_history",
                "unknown criminal history 'twice'; expected one of first-time, repeat",
            ),
        ),
        ({"life_sentence": "maybe"}, (1, "life_sentence", "'maybe' is not true or false")),
    ],
)
def test_unknown_convict_values_of_the_new_columns(
    fields: dict[str, object], problem: tuple[int, str, str]
) -> None:
    assert convict_problems(**fields) == [problem]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"criminal_history": "never"},
            (
                1,
                "criminal_history",
                "unknown criminal history 'never'; expected one of both, first-time, repeat",
            ),
        ),
        ({"for_life_sentences": "2"}, (1, "for_life_sentences", "'2' is not true or false")),
    ],
)
def test_unknown_facility_values_of_the_new_columns(
    fields: dict[str, object], problem: tuple[int, str, str]
) -> None:
    assert facility_problems(**fields) == [problem]


def test_old_files_take_the_new_defaults_with_a_notice(caplog: pytest.LogCaptureFixture) -> None:
    record = {
        k: v for k, v in convict("C1").items() if k not in {"criminal_history", "life_sentence"}
    }
    with caplog.at_level("WARNING", logger="optimizer.data"):
        table = validate_convicts(records_table([record]), regions_table(), "old.csv")
    assert (table["criminal_history"].iat[0], table["life_sentence"].iat[0]) == (
        "first-time",
        False,
    )
    assert [r.getMessage() for r in caplog.records] == [HISTORY_NOTICE.format(file="old.csv")]
    facility_record = {
        k: v
        for k, v in facility("F1").items()
        if k not in {"criminal_history", "for_life_sentences"}
    }
    facilities = validate_facilities(records_table([facility_record]), regions_table())
    assert facilities["criminal_history"].iat[0] == "both"
    assert not facilities["for_life_sentences"].iat[0]


def test_bundled_network_has_the_lifers_and_history_sections() -> None:
    facilities = read_facilities(None, read_regions())
    lifers = facilities[facilities["for_life_sentences"]]
    assert list(lifers["facility_id"]) == ["F044"]
    assert set(facilities["criminal_history"]) == {"both", "first-time", "repeat"}


def test_a_validated_convicts_table_has_the_documented_columns_in_order() -> None:
    from optimizer.data import VALIDATED_CONVICT_COLUMNS
    from tests.helpers import convicts_table

    table = convicts_table(convict("A"))
    assert tuple(table.columns) == VALIDATED_CONVICT_COLUMNS

"""The regions table, local names and the exact shape of every validated table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.data import (
    read_convicts,
    read_facilities,
    read_regions,
    records_table,
    validate_facilities,
    validate_regions,
)
from optimizer.domain import InputError
from tests.helpers import REGIONS, convict, facility, regions_table

REGION_FIELDS = ["region", "name", "centre", "lat", "lon", "population"]


def region_records(**changes: object) -> list[dict[str, object]]:
    """The four test regions; `changes` apply to the first one."""
    records = [dict(zip(REGION_FIELDS, r, strict=True)) for r in REGIONS]
    records[0].update(changes)
    return records


def messages(call, *args) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        call(*args)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"region": ""}, "regions.csv, row 1, column region: is empty; a value is required"),
        (
            {"region": "KZ-35"},
            "regions.csv, row 2, column region: duplicate id 'KZ-35' (first used in row 1)",
        ),
        ({"lat": "north"}, "regions.csv, row 1, column lat: 'north' is not a number"),
        ({"lat": ""}, "regions.csv, row 1, column lat: is empty; a value is required"),
        (
            {"lat": 56.0},
            "regions.csv, row 1, column lat: 56.0 is outside Kazakhstan's latitudes (40.5 to 55.5)",
        ),
        (
            {"lon": 88.0},
            "regions.csv, row 1, column lon: "
            "88.0 is outside Kazakhstan's longitudes (46.4 to 87.4)",
        ),
        (
            {"population": 1.5},
            "regions.csv, row 1, column population: '1.5' is not a whole number",
        ),
    ],
)
def test_bad_region_cells_are_named_with_the_file(changes: dict[str, object], message: str) -> None:
    assert messages(validate_regions, records_table(region_records(**changes))) == [message]


def test_a_regions_file_is_read_into_typed_columns_with_local_names(tmp_path: Path) -> None:
    path = tmp_path / "my-regions.csv"
    pd.DataFrame(region_records()).to_csv(path, index=False)
    table = read_regions(path)
    assert list(table.columns) == [
        "region",
        "name",
        "name_ru",
        "name_kk",
        "centre",
        "lat",
        "lon",
        "population",
    ]
    first = table.iloc[0].to_dict()
    assert first == {
        "region": "KZ-71",
        "name": "Astana (city)",
        "name_ru": "Astana (city)",
        "name_kk": "Astana (city)",
        "centre": "Astana",
        "lat": 51.18,
        "lon": 71.45,
        "population": 1_638_233,
    }
    assert table["population"].dtype == np.int64 and table["lat"].dtype == float


def test_a_regions_file_names_itself_in_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "my-regions.csv"
    pd.DataFrame(region_records(lat="x")).to_csv(path, index=False)
    assert messages(read_regions, path) == [
        "my-regions.csv, row 1, column lat: 'x' is not a number"
    ]


def test_local_names_when_given_are_required_in_every_row() -> None:
    records = region_records(name_ru="Астана", name_kk="")
    for record in records[1:]:
        record.update(name_ru="Город", name_kk="Қала")
    assert messages(validate_regions, records_table(records)) == [
        "regions.csv, row 1, column name_kk: is empty; a value is required"
    ]
    records[0]["name_kk"] = "Астана"
    table = validate_regions(records_table(records))
    assert (table["name_ru"].iat[0], table["name_kk"].iat[0]) == ("Астана", "Астана")


def test_a_facility_without_local_names_takes_its_name() -> None:
    table = validate_facilities(records_table([facility("F1", occupied="")]), regions_table())
    assert (table["name_ru"].iat[0], table["name_kk"].iat[0]) == ("Facility F1", "Facility F1")
    assert table["occupied"].iat[0] == 0


def test_a_facility_with_local_names_needs_them_in_every_row() -> None:
    raw = records_table([facility("F1", name_ru="Учреждение", name_kk="")])
    assert messages(validate_facilities, raw, regions_table()) == [
        "facilities.csv, row 1, column name_kk: is empty; a value is required"
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"facility_id": ""},
            "facilities.csv, row 1, column facility_id: is empty; a value is required",
        ),
        ({"name": ""}, "facilities.csv, row 1, column name: is empty; a value is required"),
        ({"lat": ""}, "facilities.csv, row 1, column lat: is empty; a value is required"),
        ({"capacity": ""}, "facilities.csv, row 1, column capacity: is empty; a value is required"),
        (
            {"capacity": -3, "occupied": 5},
            "facilities.csv, row 1, column capacity: -3 is negative",
        ),
        (
            {"capacity": 0, "occupied": 1},
            "facilities.csv, row 1, column occupied: 1 is above the facility's capacity",
        ),
    ],
)
def test_required_facility_cells_are_named_with_the_file(
    fields: dict[str, object], message: str
) -> None:
    raw = records_table([{**facility("F1"), **fields}])
    assert messages(validate_facilities, raw, regions_table()) == [message]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"convict_id": ""},
            "convicts.csv, row 1, column convict_id: is empty; a value is required",
        ),
        ({"age": ""}, "convicts.csv, row 1, column age: is empty; a value is required"),
        ({"age": 30.5}, "convicts.csv, row 1, column age: '30.5' is not a whole number"),
        (
            {"home_lat": "x", "home_lon": 70.0},
            "convicts.csv, row 1, column home_lat: 'x' is not a number",
        ),
        (
            {"life_sentence": "life"},
            "convicts.csv, row 1, column life_sentence: 'life' is not true or false",
        ),
    ],
)
def test_bad_convict_cells_are_named_with_the_file(fields: dict[str, object], message: str) -> None:
    from optimizer.data import validate_convicts

    raw = records_table([{**convict("C1"), **fields}])
    assert messages(validate_convicts, raw, regions_table()) == [message]


def test_a_given_home_point_is_kept_and_truth_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "week.csv"
    records = [
        convict("C1", home_lat=50.5, home_lon=70.25, former_officer="Yes", life_sentence="0"),
        convict(
            "C2",
            "KZ-35",
            former_officer="f",
            medical_need="tuberculosis",
            case_id="K7",
            criminal_history="",
        ),
    ]
    pd.DataFrame(records).to_csv(path, index=False)
    table = read_convicts(path, regions_table())
    assert table.to_dict("records") == [
        {
            "convict_id": "C1",
            "sex": "M",
            "age": 30,
            "age_category": "adult",
            "security_level": "medium",
            "home_region": "KZ-71",
            "home_lat": 50.5,
            "home_lon": 70.25,
            "medical_need": "",
            "former_officer": True,
            "case_id": "",
            "criminal_history": "first-time",
            "life_sentence": False,
        },
        {
            "convict_id": "C2",
            "sex": "M",
            "age": 30,
            "age_category": "adult",
            "security_level": "medium",
            "home_region": "KZ-35",
            "home_lat": 49.80,
            "home_lon": 73.10,
            "medical_need": "tuberculosis",
            "former_officer": False,
            "case_id": "K7",
            "criminal_history": "first-time",
            "life_sentence": False,
        },
    ]


def test_a_facilities_file_is_read_with_its_types_and_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "net.csv"
    record = facility("F1", occupied=4, for_former_officers="TRUE", for_life_sentences="no")
    pd.DataFrame([record]).to_csv(path, index=False)
    table = read_facilities(path, regions_table())
    row = table.iloc[0].to_dict()
    assert (row["capacity"], row["occupied"], row["for_former_officers"]) == (10, 4, True)
    assert not row["for_life_sentences"]
    assert table["capacity"].dtype == np.int64 and table["for_former_officers"].dtype == bool
    pd.DataFrame([{**record, "sex": "X"}]).to_csv(path, index=False)
    assert messages(read_facilities, path, regions_table()) == [
        "net.csv, row 1, column sex: unknown sex 'X'; expected one of F, M"
    ]


def test_records_of_the_api_become_text_cells() -> None:
    table = records_table([{"a": None, "b": float("nan"), "c": True, "d": np.bool_(False), "e": 7}])
    assert table.to_dict("records") == [{"a": "", "b": "", "c": "true", "d": "false", "e": "7"}]
    assert records_table([]).empty


def test_sentence_problems_hold_a_sizo_worker_unlawful_unless_already_placed() -> None:
    from optimizer.data import sentence_problems, validate_convicts

    raw = records_table([convict("C1"), convict("C2", security_level="mixed")])
    serving = validate_convicts(raw, regions_table(), placed=True)
    [problem] = sentence_problems(serving, "week.csv")
    assert (problem.file, problem.row, problem.column) == ("week.csv", 2, "security_level")
    assert problem.message.endswith("; court-sentence-only)")
    assert sentence_problems(serving, "week.csv", placed=True) == []

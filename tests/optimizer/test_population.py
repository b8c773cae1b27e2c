"""The current population: generated lawfully and reproducibly, validated with precise problems."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.data import read_facilities, read_regions, records_table
from optimizer.data_messages import problem_message
from optimizer.domain import InputError
from optimizer.geo import haversine_km
from optimizer.population import (
    POPULATION_COLUMNS,
    POPULATION_SEED,
    generate_population,
    population_text,
    read_population,
    validate_population,
)
from optimizer.rules import convict_classes, eligibility
from tests.helpers import convict, facilities_table, facility, regions_table
from tests.reading import assert_reads_in

REGENERATE = (
    "data/population.csv is stale: regenerate it with "
    "`placement generate-population --out data/population.csv`"
)


def small_network() -> pd.DataFrame:
    """One facility of every special kind beside ordinary ones, in four regions."""
    return facilities_table(
        facility("F01", "KZ-71", capacity=40, occupied=30),
        facility("F02", "KZ-35", security_level="maximum", capacity=50, occupied=45),
        facility("F03", "KZ-75", sex="F", capacity=20, occupied=12),
        facility("F04", "KZ-75", age_category="juvenile", capacity=10, occupied=4),
        facility("F05", "KZ-79", medical_profile="tuberculosis", capacity=15, occupied=9),
        facility("F06", "KZ-35", for_former_officers=True, capacity=12, occupied=7),
        facility("F07", "KZ-79", security_level="minimum", capacity=25, occupied=0),
    )


def validated(
    table: pd.DataFrame, facilities: pd.DataFrame, regions: pd.DataFrame | None = None
) -> pd.DataFrame:
    regions = regions if regions is not None else regions_table()
    return validate_population(population_text(table), regions, facilities)


def test_generated_population_fills_every_facility_to_its_occupied() -> None:
    facilities = small_network()
    population = generate_population(regions_table(), facilities, seed=3)
    counts = population["facility_id"].value_counts()
    assert list(population.columns) == list(POPULATION_COLUMNS)
    for fid, occupied in zip(facilities["facility_id"], facilities["occupied"], strict=True):
        assert counts.get(fid, 0) == occupied


def test_every_generated_placement_is_lawful_by_the_rules() -> None:
    facilities = small_network()
    population = validated(generate_population(regions_table(), facilities, seed=3), facilities)
    classes, class_of = convict_classes(population)
    allowed = eligibility(classes, facilities)
    row = population["facility_id"].map(
        dict(zip(facilities["facility_id"], range(len(facilities)), strict=False))
    )
    assert allowed[class_of, row.to_numpy()].all()
    juveniles = population[population["facility_id"] == "F04"]
    assert (juveniles["age"] < 18).all()
    assert (
        population.loc[population["facility_id"] == "F05", "medical_need"] == "tuberculosis"
    ).all()
    assert population.loc[population["facility_id"] == "F06", "former_officer"].all()
    assert not population.loc[population["facility_id"] != "F06", "former_officer"].any()


def test_co_defendants_are_generated_in_different_facilities() -> None:
    facilities = small_network()
    facilities = facilities.assign(
        capacity=facilities["capacity"] * 20, occupied=facilities["occupied"] * 20
    )
    population = generate_population(regions_table(), facilities, seed=11)
    cases = population[population["case_id"] != ""]
    assert len(cases) > 0
    assert not cases.duplicated(["case_id", "facility_id"]).any()
    assert not cases.drop_duplicates(["case_id", "home_region"])["case_id"].duplicated().any()


def test_the_same_seed_gives_the_same_population_and_another_seed_another() -> None:
    facilities = small_network()
    first = generate_population(regions_table(), facilities, seed=5)
    pd.testing.assert_frame_equal(first, generate_population(regions_table(), facilities, seed=5))
    assert not first.equals(generate_population(regions_table(), facilities, seed=6))


def test_many_serve_outside_their_home_region() -> None:
    facilities = small_network()
    population = validated(generate_population(regions_table(), facilities, seed=1), facilities)
    region = population["facility_id"].map(
        dict(zip(facilities["facility_id"], facilities["region"], strict=False))
    )
    away = (region != population["home_region"]).mean()
    assert 0.2 < away < 0.8


def placed(**fields: object) -> dict[str, object]:
    record = convict("A", "KZ-71")
    record.update({"facility_id": "F01"})
    record.update(fields)
    return record


def problems_of(records: list[dict[str, object]], facilities: pd.DataFrame) -> list[str]:
    with pytest.raises(InputError) as error:
        validate_population(records_table(records), regions_table(), facilities, "population.csv")
    return [str(p) for p in error.value.problems]


def test_a_valid_small_population_passes_with_its_facility_column() -> None:
    facilities = facilities_table(facility("F01", capacity=2, occupied=1))
    population = validate_population(records_table([placed()]), regions_table(), facilities)
    assert population["facility_id"].tolist() == ["F01"]
    assert population["age_category"].tolist() == ["adult"]


def test_an_unknown_facility_is_named_with_its_row_and_column() -> None:
    facilities = facilities_table(facility("F01", capacity=2, occupied=1))
    problems = problems_of([placed(), placed(convict_id="B", facility_id="F99")], facilities)
    assert "population.csv, row 2, column facility_id: unknown facility 'F99'" in problems


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"security_level": "maximum"}, "same-security-level"),
        ({"sex": "F"}, "same-sex"),
        ({"age": 16}, "same-age-category"),
        ({"medical_need": "tuberculosis"}, "medical-profile"),
        ({"former_officer": True}, "former-officer-separation"),
    ],
)
def test_an_unlawful_placement_names_the_rule(fields: dict[str, object], rule: str) -> None:
    facilities = facilities_table(facility("F01", capacity=2, occupied=1))
    problems = problems_of([placed(**fields)], facilities)
    assert len(problems) == 1
    assert problems[0].startswith(
        "population.csv, row 1, column facility_id: A may not serve in F01"
    )
    assert problems[0].endswith(f"({rule})")


def test_co_defendants_in_one_facility_are_a_problem() -> None:
    facilities = facilities_table(facility("F01", capacity=2, occupied=2))
    problems = problems_of([placed(case_id="K1"), placed(convict_id="B", case_id="K1")], facilities)
    assert problems == [
        "population.csv, row 2, column facility_id: a co-defendant in case K1 already serves "
        "in F01 (co-defendant-separation)"
    ]


def test_counts_must_agree_with_occupied_and_stay_within_capacity() -> None:
    facilities = facilities_table(
        facility("F01", capacity=1, occupied=1), facility("F02", capacity=5, occupied=3)
    )
    records = [placed(), placed(convict_id="B"), placed(convict_id="C", facility_id="F02")]
    assert problems_of(records, facilities) == [
        "population.csv, column facility_id: 2 convicts serve in F01, above its capacity 1",
        "population.csv, column facility_id: 1 convicts serve in F02, but the facilities table "
        "says 3 occupied",
    ]


def test_a_missing_facility_column_is_reported() -> None:
    facilities = facilities_table(facility("F01"))
    record = convict("A")
    with pytest.raises(InputError) as error:
        validate_population(records_table([record]), regions_table(), facilities, "population.csv")
    assert [str(p) for p in error.value.problems] == [
        "population.csv, column facility_id: required column is missing"
    ]


def test_convict_columns_are_validated_as_convicts() -> None:
    facilities = facilities_table(facility("F01", capacity=2, occupied=1))
    problems = problems_of([placed(home_region="KZ-00")], facilities)
    assert problems[0].startswith("population.csv, row 1, column home_region: unknown region code")


def test_the_bundled_population_is_valid_and_made_by_its_seed() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    try:
        population = read_population(None, regions, facilities)
    except InputError as error:
        pytest.fail(f"{error}\n{REGENERATE}")
    assert len(population) == facilities["occupied"].sum()
    generated = generate_population(regions, facilities, POPULATION_SEED)
    generated = validated(generated, facilities, regions)
    assert population.equals(generated), REGENERATE


def test_the_bundled_population_serves_far_from_home_like_today() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    population = read_population(None, regions, facilities)
    where = facilities.set_index("facility_id").loc[population["facility_id"]]
    km = haversine_km(
        population["home_lat"],
        population["home_lon"],
        where["lat"].to_numpy(),
        where["lon"].to_numpy(),
    )
    away = where["region"].to_numpy() != population["home_region"].to_numpy()
    assert 0.3 < away.mean() < 0.7
    assert np.mean(km > 1000) > 0.05


def test_bundled_population_holds_lifers_and_histories_where_the_network_says() -> None:
    """Lifers only in the lifers' facility; first-time and repeat only where they are held."""
    from optimizer.data import read_facilities, read_regions
    from optimizer.population import read_population

    regions = read_regions()
    facilities = read_facilities(None, regions).set_index("facility_id")
    population = read_population(None, regions, facilities.reset_index())
    held = population["facility_id"].map(facilities["criminal_history"])
    assert (population.loc[held == "first-time", "criminal_history"] == "first-time").all()
    assert (population.loc[held == "repeat", "criminal_history"] == "repeat").all()
    lifers = population["facility_id"].map(facilities["for_life_sentences"]).astype(bool)
    assert (population["life_sentence"] == lifers).all()
    assert 0.40 < (population["criminal_history"] == "repeat").mean() < 0.50


def test_a_population_files_problems_read_in_russian_and_kazakh() -> None:
    facilities = facilities_table(
        facility("F01", capacity=1, occupied=1), facility("F02", capacity=5, occupied=3)
    )
    records = [
        placed(sex="F"),
        placed(convict_id="B", case_id="K1"),
        placed(convict_id="C", case_id="K1", facility_id="F02"),
        placed(convict_id="D", facility_id="F02", case_id="K1"),
        placed(convict_id="E", facility_id="F99"),
    ]
    with pytest.raises(InputError) as unknown:
        validate_population(records_table(records), regions_table(), facilities, "p.csv")
    assert [problem_message(p, "ru") for p in unknown.value.problems] == [
        "неизвестное учреждение «F99»"
    ]
    with pytest.raises(InputError) as error:
        validate_population(records_table(records[:4]), regions_table(), facilities, "p.csv")
    russian = [problem_message(p, "ru") for p in error.value.problems]
    assert russian == [
        "A не может отбывать наказание в F01: Мужчины и женщины отбывают наказание в разных "
        "учреждениях. (правило «раздельное содержание мужчин и женщин»)",
        "соучастник по делу K1 уже отбывает наказание в F02 (соучастники содержатся раздельно)",
        "в F01 отбывают наказание: 2, это больше лимита наполнения (1)",
        "в F02 отбывают наказание: 2, а в таблице учреждений занятых мест указано: 3",
    ]
    for problem in error.value.problems:
        assert_reads_in(problem_message(problem, "kk"), "kk", ["A", "F01", "F02", "K1"])

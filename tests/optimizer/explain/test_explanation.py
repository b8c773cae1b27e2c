"""The typed explanation writes exactly the published document of explanation.schema.json."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

from optimizer.allocation import solve
from optimizer.domain import (
    AgeCategory,
    Objective,
    SecurityLevel,
    Sex,
    SolveOptions,
    UnplacedReason,
)
from optimizer.explain import (
    SCHEMA,
    Change,
    ChangeKind,
    CloserFacility,
    Eligibility,
    Explanation,
    HomeRegion,
    NoChange,
    NoRoom,
    OneMorePlace,
    Profile,
    RegionUse,
    RuleEntry,
    Shortage,
    Unplaced,
    as_documents,
    explain_placements,
)
from tests.helpers import random_instance


@pytest.fixture(scope="module")
def validator() -> Any:
    """One validator of the published schema for all documents (building one takes time)."""
    schema = json.loads(
        resources.files("optimizer.explain").joinpath("explanation.schema.json").read_text()
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def unplaced_explanation() -> Explanation:
    """A hand-made explanation of an unplaced convict with one full closer facility."""
    users = (RegionUse("KZ-75", 2, 10.5, 12.0),)
    return Explanation(
        convict_id="C1",
        profile=Profile(
            sex=Sex.FEMALE,
            age=17,
            age_category=AgeCategory.JUVENILE,
            security_level=SecurityLevel.MEDIUM,
            home_region="KZ-71",
            home_lat=51.1,
            home_lon=71.4,
            medical_need=None,
            former_officer=False,
            case_id="CASE-1",
        ),
        rules=(RuleEntry("same-sex", "Men and women apart.", "Penal Code art. 90"),),
        eligible=Eligibility(1, 3, (("same-sex", 2),)),
        home_region=HomeRegion("KZ-71", (), all_full=False),
        placement=None,
        unplaced=Unplaced(UnplacedReason.ELIGIBLE_FACILITIES_FULL, Shortage(3, 2, 1)),
        closer_facilities=(CloserFacility("F1", "One", "KZ-75", 1.5, 0, 0, True, users, NoRoom()),),
        smallest_change=OneMorePlace("F1", "One", Change(-1.25, -1, None), None),
        method="min-cost-flow",
        exact_by="potentials",
    )


def test_a_document_has_the_schema_s_keys_in_order(validator: Any) -> None:
    document = unplaced_explanation().as_dict()
    validator.validate(json.loads(json.dumps(document)))
    assert list(document) == list(validator.schema["required"])
    assert document["schema"] == SCHEMA
    assert document["profile"]["sex"] == "F" and document["unplaced"]["reason"] == (
        "eligible-facilities-full"
    )
    assert document["closer_facilities"][0]["forced_move"] == {"possible": False}
    assert document["smallest_change"]["effect"] == {
        "possible": True,
        "total_distance_change_km": -1.25,
        "unplaced_change": -1,
        "away_from_home_change": None,
    }
    assert document["eligible"]["excluded_by_rule"] == {"same-sex": 2}


@pytest.mark.parametrize("kind", [ChangeKind.NONE_NEEDED, ChangeKind.NO_FACILITY_OF_TYPE])
def test_nothing_to_change_is_only_its_kind(kind: ChangeKind) -> None:
    assert NoChange(kind).as_dict() == {"kind": kind.value}


def test_explanations_follow_the_documented_schema(
    validator: Any, national_regions: pd.DataFrame, national_facilities: pd.DataFrame
) -> None:
    from optimizer.cohort import generate_cohort
    from optimizer.data import records_table, validate_convicts

    cohort = generate_cohort(300, 11, national_regions)
    cohort.loc[0, ["sex", "security_level"]] = ["F", "minimum"]  # no such facility: unplaced
    convicts = validate_convicts(records_table(cohort.to_dict("records")), national_regions)
    for objective in Objective:
        solution = solve(convicts, national_facilities, SolveOptions(objective=objective))
        documents = as_documents(explain_placements(solution))
        for document in json.loads(json.dumps(documents)):
            validator.validate(document)


def test_documents_written_together_equal_those_written_alone() -> None:
    convicts, facilities = random_instance(np.random.default_rng(7), 14, 5)
    explanations = explain_placements(solve(convicts, facilities))
    together = as_documents(explanations)
    assert together == [explanation.as_dict() for explanation in explanations]
    assert json.dumps(together) == json.dumps([e.as_dict() for e in explanations])

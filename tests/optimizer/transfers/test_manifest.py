"""Weekly manifests: names in the reader's language, the rail route between the facilities'
stations, and a plan folder written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.data import read_facilities, read_regions
from optimizer.domain import InputError
from optimizer.transfers.manifest import (
    PLAN_SUMMARY,
    RailRoutes,
    localised_names,
    manifest_name,
    manifests,
    write_plan,
)


def national_moves() -> tuple[pd.DataFrame, pd.DataFrame]:
    facilities = read_facilities(None, read_regions())
    moves = pd.DataFrame(
        {
            "week": [1, 1, 2],
            "convict_id": ["P1", "P2", "P3"],
            "from_facility": ["F001", "F001", "F072"],
            "to_facility": ["F053", "F053", "F001"],
            "saved_km": [300.0, 250.5, 900.0],
        }
    )
    return moves, facilities


def test_a_manifest_per_week_with_rail_route_and_names_in_the_readers_language() -> None:
    moves, facilities = national_moves()
    by_week = manifests(moves, facilities, RailRoutes.read(), "kk")
    assert sorted(by_week) == [1, 2] and len(by_week[1]) == 2
    first = by_week[1].iloc[0]
    assert first["rail_route"].startswith("Ayagoz – ") and first["rail_route"].endswith("Pavlodar")
    assert first["rail_km"] == pytest.approx(731.0)
    assert first["from_name"] == facilities.set_index("facility_id").loc["F001", "name_kk"]
    assert localised_names(facilities, "facility_id", "en")["F001"].startswith("ОВ-156/8 colony")


def test_the_plan_folder_is_replaced_whole_and_a_foreign_one_refused(tmp_path: Path) -> None:
    moves, facilities = national_moves()
    by_week = manifests(moves, facilities, RailRoutes.read())
    weeks = pd.DataFrame({"week": [1, 2], "moves": [2, 1]})
    folder = tmp_path / "plan"
    write_plan(weeks, by_week, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [PLAN_SUMMARY, manifest_name(1), manifest_name(2)]
    )
    write_plan(weeks.head(1), {1: by_week[1]}, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([PLAN_SUMMARY, manifest_name(1)])
    (folder / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"mine\.txt"):
        write_plan(weeks, by_week, folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"], "nothing half-written"

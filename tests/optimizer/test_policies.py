"""Policies: reading and validating policy files, network transforms, benchmark runs, the report."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from optimizer.data import DATA_DIR, read_facilities, read_regions
from optimizer.domain import DistanceKind, InputError
from optimizer.geo import distance_source
from optimizer.policies.simulate import (
    BenchmarkResult,
    Mode,
    Policy,
    PolicyRun,
    bootstrap,
    capacity_excess,
    parse_policy,
    read_policy,
    run_benchmark,
    t_interval,
)
from optimizer.rules import CLASS_COLUMNS, eligibility
from tests.helpers import (
    convict,
    convicts_table,
    facilities_table,
    facility,
    random_instance,
    regions_table,
)

POLICY_DIR = DATA_DIR / "policies"
MERGE = {"name": "merge", "merge": [{"levels": ["medium", "maximum"]}]}


def small_network() -> pd.DataFrame:
    """Medium and maximum facilities for men and women in two regions, some nearly full."""
    return facilities_table(
        facility("A-MED", "KZ-71", capacity=6, occupied=2),
        facility("A-MAX", "KZ-71", security_level="maximum", capacity=4, occupied=1),
        facility("K-MED", "KZ-35", capacity=8, occupied=0),
        facility("K-MAX", "KZ-35", security_level="maximum", capacity=8, occupied=3),
        facility(
            "K-TB", "KZ-35", security_level="maximum", capacity=3, medical_profile="tuberculosis"
        ),
        facility("A-WOM", "KZ-75", sex="F", capacity=5),
        facility("A-JUV", "KZ-75", age_category="juvenile", capacity=3),
        facility("S-OFF", "KZ-79", for_former_officers=True, capacity=3),
    )


def policy(document: dict[str, object], facilities: pd.DataFrame | None = None) -> Policy:
    network = small_network() if facilities is None else facilities
    return parse_policy(document, network, regions_table(), file="test.toml")


def steady(
    policies: list[Policy], convicts: pd.DataFrame, facilities: pd.DataFrame, **kw: object
) -> BenchmarkResult:
    return run_benchmark(
        policies, convicts, regions_table(), facilities, seeds=1, weeks=0, modes=[Mode.STEADY], **kw
    )  # type: ignore[arg-type]


# --- policy files ------------------------------------------------------------------------------


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


# --- transforms --------------------------------------------------------------------------------


def test_merger_relabels_facilities_and_convicts_to_the_label() -> None:
    merge = policy(MERGE)
    network = merge.apply_to_facilities(small_network())
    assert set(network["security_level"]) == {"medium"}
    convicts = convicts_table(
        convict("c1", security_level="maximum"), convict("c2", security_level="minimum")
    )
    assert merge.relabel(convicts)["security_level"].tolist() == ["medium", "minimum"]
    assert convicts["security_level"].tolist() == ["maximum", "minimum"], "input left untouched"


def test_capacity_factor_rounds_down_and_applies_by_todays_level_before_a_merger() -> None:
    reform = policy({**MERGE, "capacity": [{"levels": ["maximum"], "factor": 0.7}]})
    network = reform.apply_to_facilities(small_network()).set_index("facility_id")
    assert network.loc["A-MAX", "capacity"] == 2  # floor(4 * 0.7)
    assert network.loc["K-MAX", "capacity"] == 5  # floor(8 * 0.7 = 5.6)
    assert network.loc["A-MED", "capacity"] == 6
    assert network.loc["A-MAX", "occupied"] == 1


def test_decimal_factor_is_not_spoiled_by_binary_rounding() -> None:
    network = facilities_table(facility("X", capacity=100))
    reform = policy({"capacity": [{"facility_ids": ["X"], "factor": 0.29}]}, network)
    assert reform.apply_to_facilities(network)["capacity"].tolist() == [29]


def test_closure_sets_capacity_to_zero_and_counts_the_excess() -> None:
    reform = policy({"close": ["K-MAX"], "capacity": [{"facility_ids": ["A-MED"], "factor": 0.25}]})
    network = reform.apply_to_facilities(small_network())
    closed = network.set_index("facility_id").loc["K-MAX"]
    assert closed["capacity"] == 0 and closed["occupied"] == 0
    excess = dict(
        zip(network["facility_id"], capacity_excess(reform, small_network()), strict=True)
    )
    assert excess["K-MAX"] == 3 and excess["A-MED"] == 1 and excess["K-MED"] == 0


def test_added_facility_comes_last_with_its_record() -> None:
    reform = policy({"add": [facility("NEW", "KZ-79", security_level="maximum", capacity=7)]})
    network = reform.apply_to_facilities(small_network())
    assert network.iloc[-1]["facility_id"] == "NEW" and network.iloc[-1]["capacity"] == 7
    assert len(network) == len(small_network()) + 1


# --- runs --------------------------------------------------------------------------------------


def _original_rules_hold(
    run: PolicyRun, original: pd.DataFrame, today: pd.DataFrame, reform: Policy
) -> None:
    """Every placement obeys sex, age, medical and officer rules on the original attributes,
    and the convict's and the facility's original levels map to the same merged level."""
    placed = np.flatnonzero(run.facility_of >= 0)
    assert len(placed) > 0
    by_id = original.set_index("convict_id")
    convicts = by_id.loc[run.convicts["convict_id"].to_numpy()[placed]].reset_index()
    facility_rows = run.facility_of[placed]
    facility_level = today["security_level"].to_numpy()[facility_rows]
    levels = reform.level_map()
    convict_level = convicts["security_level"].map(lambda v: levels.get(v, v)).to_numpy()
    assert (convict_level == np.array([levels.get(v, v) for v in facility_level])).all()
    classes = convicts.loc[:, list(CLASS_COLUMNS)].assign(security_level=facility_level)
    allowed = eligibility(classes.reset_index(drop=True), today)
    assert allowed[np.arange(len(placed)), facility_rows].all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_merger_never_breaks_sex_age_medical_or_officer_rules(seed: int) -> None:
    rng = np.random.default_rng(seed)
    convicts = random_instance(rng, 40, 4)[0]
    reform = policy(MERGE)
    result = steady([reform], convicts, small_network().assign(occupied=0))
    _original_rules_hold(result.runs[0], convicts, small_network(), reform)
    assert result.runs[0].occupancy.max() > 0


def test_merger_in_flow_mode_keeps_the_rules_too() -> None:
    reform = policy(MERGE)
    result = run_benchmark(
        [reform],
        None,
        regions_table(),
        small_network(),
        seeds=[3],
        weeks=3,
        batch=12,
        modes=[Mode.FLOW],
    )
    run = result.runs[0]
    _original_rules_hold(run, run.convicts, small_network(), reform)


def test_merger_places_convicts_that_the_old_levels_could_not_place_at_home() -> None:
    network = facilities_table(
        facility("A-MED", "KZ-71", capacity=5),
        facility("K-MAX", "KZ-35", security_level="maximum", capacity=5),
    )
    convicts = convicts_table(*(convict(f"c{i}", "KZ-35") for i in range(3)))
    base = policy({"name": "baseline"}, network)
    merge = policy(MERGE, network)
    metrics = steady([base, merge], convicts, network).metrics.set_index("policy")
    assert metrics.loc["baseline", "home_share"] == 0.0
    assert metrics.loc["merge", "home_share"] == 1.0
    assert metrics.loc["merge", "total_km"] < metrics.loc["baseline", "total_km"]


def _population_in(network: pd.DataFrame) -> pd.DataFrame:
    """Convicts currently placed, `occupied` of them per facility, with `facility_id`."""
    rows = []
    for record in network.itertuples(index=False):
        for k in range(int(record.occupied)):
            rows.append(
                convict(
                    f"{record.facility_id}-{k}",
                    record.region,
                    sex=record.sex,
                    age=16 if record.age_category == "juvenile" else 30,
                    security_level=record.security_level,
                    medical_need=record.medical_profile,
                    former_officer=record.for_former_officers,
                )
            )
    table = convicts_table(*rows)
    ids = table["convict_id"].str.rsplit("-", n=1).str[0]
    return table.assign(facility_id=ids.to_numpy())


def test_closure_leaves_no_one_in_the_closed_facility() -> None:
    network = small_network()
    population = _population_in(network)
    reform = policy({"name": "close", "close": ["K-MAX", "A-MED"]})
    result = run_benchmark(
        [reform], population, regions_table(), network, seeds=[0, 1], weeks=4, batch=6
    )
    closed = reform.is_closed(result.runs[0].facilities)
    assert result.current_home_share == 1.0, "everyone in _population_in serves at home"
    for run in result.runs:
        assert not np.isin(run.facility_of, np.flatnonzero(closed)).any()
        if run.mode is Mode.FLOW:
            assert run.facts["excess_at_start"] == 5
            assert run.facts["transferred"] == 5, "room elsewhere takes everyone transferred"
            assert run.occupancy[closed].sum() == 0
        assert (run.occupancy <= run.facilities["capacity"].to_numpy()).all()


def test_capacity_cut_in_flow_mode_without_a_population_waits_for_releases() -> None:
    network = small_network()
    reform = policy({"name": "cut", "capacity": [{"facility_ids": ["K-MAX"], "factor": 0.25}]})
    result = run_benchmark(
        [reform],
        None,
        regions_table(),
        network,
        seeds=[0],
        weeks=2,
        batch=4,
        modes=[Mode.FLOW],
        release_share=0.5,
    )
    run = result.runs[0]
    assert run.facts["over_capacity_at_start"] == 1 and run.facts["excess_at_start"] == 1
    assert run.facts["transferred"] == 0
    capacity = run.facilities["capacity"].to_numpy()
    for week in range(2):
        this_week = (run.week == week + 1) & (run.facility_of >= 0)
        placed = np.bincount(run.facility_of[this_week], minlength=len(capacity))
        free = np.maximum(capacity - run.before_batch[week], 0)
        assert (placed <= free).all(), "a facility over its new capacity takes no one new"


def test_placements_never_exceed_capacity_in_steady_state() -> None:
    network = small_network().assign(occupied=0)
    convicts = random_instance(np.random.default_rng(9), 60, 4)[0]
    result = steady([policy({"name": "baseline"}), policy(MERGE)], convicts, network)
    for run in result.runs:
        assert (run.occupancy <= run.facilities["capacity"].to_numpy()).all()
    assert (result.metrics["overfull_facilities"] == 0).all()


def test_a_seed_reproduces_the_whole_benchmark() -> None:
    network = small_network()
    first = run_benchmark(
        [policy(MERGE)], None, regions_table(), network, seeds=[4], weeks=3, batch=10
    )
    again = run_benchmark(
        [policy(MERGE)], None, regions_table(), network, seeds=[4], weeks=3, batch=10
    )
    pd.testing.assert_frame_equal(first.metrics, again.metrics)


def test_bootstrap_keeps_seed_zero_and_draws_unique_ids_otherwise() -> None:
    population = convicts_table(*(convict(f"c{i}") for i in range(20)))
    assert bootstrap(population, 0)["convict_id"].tolist() == population["convict_id"].tolist()
    drawn = bootstrap(population, 5)
    assert len(drawn) == 20 and drawn["convict_id"].is_unique
    assert drawn["convict_id"].str.split("/").str[0].isin(population["convict_id"]).all()


def test_policy_names_must_differ() -> None:
    with pytest.raises(InputError):
        run_benchmark(
            [policy(MERGE), policy(MERGE)], None, regions_table(), small_network(), seeds=1, weeks=0
        )


def test_progress_reaches_one() -> None:
    seen: list[float] = []
    run_benchmark(
        [policy(MERGE)],
        None,
        regions_table(),
        small_network(),
        seeds=2,
        weeks=2,
        batch=5,
        progress=lambda f, _: seen.append(f),
    )
    assert seen[-1] == 1.0 and seen == sorted(seen)


# --- metrics and the report --------------------------------------------------------------------


def test_t_interval_matches_student_t() -> None:
    mean, low, high = t_interval([1.0, 2.0, 3.0])
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert mean == 2.0 and low == pytest.approx(2 - half) and high == pytest.approx(2 + half)
    assert math.isnan(t_interval([5.0])[1])


def _recomputed(run: PolicyRun, regions: pd.DataFrame, km_per_day: float) -> dict[str, float]:
    """Headline metrics straight from the placements table, independently of the engine."""
    table = run.placements()
    placed = table[table["facility_id"] != ""]
    km = placed["distance_km"].to_numpy()
    home = (placed["facility_region"] == placed["home_region"]).to_numpy()
    centres = regions.set_index("region")
    network = run.facilities.set_index("facility_id")
    rail = distance_source(DistanceKind.RAIL)
    rail_km = rail.route_km(  # type: ignore[attr-defined]
        centres.loc[placed["home_region"], "lat"].to_numpy(float),
        centres.loc[placed["home_region"], "lon"].to_numpy(float),
        network.loc[placed["facility_id"], "lat"].to_numpy(float),
        network.loc[placed["facility_id"], "lon"].to_numpy(float),
    )
    return {
        "convicts": len(table),
        "placed": len(placed),
        "unplaced": len(table) - len(placed),
        "home_share": home.mean(),
        "mean_km": km.mean(),
        "median_km": np.median(km),
        "p90_km": np.quantile(km, 0.9),
        "max_km": km.max(),
        "beyond_1000_share": (km > 1000).mean(),
        "total_km": km.sum(),
        "rail_km": rail_km.sum(),
        "carriage_days": rail_km.sum() / km_per_day,
    }


def test_metrics_csv_equals_figures_recomputed_from_the_placements(tmp_path: Path) -> None:
    from optimizer.policies.report import write_report

    regions = regions_table()
    reforms = [policy({"name": "baseline"}), policy(MERGE)]
    result = run_benchmark(
        reforms, None, regions, small_network(), seeds=2, weeks=3, batch=15, km_per_day=120.0
    )
    write_report(result, tmp_path, figures=False)
    written = pd.read_csv(tmp_path / "metrics.csv")
    by_region = pd.read_csv(tmp_path / "metrics_by_region.csv")
    assert len(written) == len(result.runs) == 8
    for run in result.runs:
        row = written[
            (written["mode"] == run.mode.value)
            & (written["policy"] == run.policy)
            & (written["seed"] == run.seed)
        ]
        assert len(row) == 1
        for metric, value in _recomputed(run, regions, 120.0).items():
            assert row[metric].iloc[0] == pytest.approx(value, rel=1e-9), metric
        table = run.placements()
        mine = by_region[
            (by_region["mode"] == run.mode.value)
            & (by_region["policy"] == run.policy)
            & (by_region["seed"] == run.seed)
        ]
        counts = table.groupby("home_region").size()
        assert dict(zip(mine["region"], mine["convicts"], strict=True)) == {
            k: float(v) for k, v in counts.items()
        }

    summary = pd.read_csv(tmp_path / "metrics_summary.csv")
    home = summary[
        (summary["mode"] == "flow")
        & (summary["policy"] == "merge")
        & (summary["metric"] == "home_share")
    ]
    seeds = written[(written["mode"] == "flow") & (written["policy"] == "merge")]["home_share"]
    assert home["mean"].iloc[0] == pytest.approx(seeds.mean())
    assert home["ci_low"].iloc[0] == pytest.approx(t_interval(seeds.to_numpy())[1])


def test_report_states_the_mergers_effect_computed_from_the_metrics(tmp_path: Path) -> None:
    from optimizer.policies.report import percent, write_report

    regions = regions_table()
    network = small_network()
    reforms = [policy({"name": "baseline"}), policy({**MERGE, "name": "merge-medium-maximum"})]
    result = run_benchmark(reforms, None, regions, network, seeds=2, weeks=2, batch=10)
    written = write_report(result, tmp_path)
    for name in (
        "index.md",
        "index.html",
        "metrics.csv",
        "metrics_by_region.csv",
        "figures/home-share.png",
        "figures/distance-steady-state.png",
        "figures/map-flow-merge-medium-maximum.png",
    ):
        assert (tmp_path / name).is_file() and (tmp_path / name) in written, name
    text = (tmp_path / "index.md").read_text(encoding="utf-8")
    metrics = result.metrics[result.metrics["mode"] == "steady-state"].set_index("policy")[
        "home_share"
    ]
    before = percent(metrics.loc["baseline"].mean())
    after = percent(metrics.loc["merge-medium-maximum"].mean())
    sentence = (
        "**merge-medium-maximum** (steady-state): the share of placed convicts in their home "
        f"region goes from {before} to {after}"
    )
    assert sentence in text
    assert "<table>" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_cli_writes_a_report_and_rejects_a_bad_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    regions, network = regions_table(), small_network()
    regions.to_csv(tmp_path / "regions.csv", index=False)
    network.to_csv(tmp_path / "facilities.csv", index=False)
    (tmp_path / "baseline.toml").write_text('name = "baseline"\n', encoding="utf-8")
    (tmp_path / "merge.toml").write_text(
        '[[merge]]\nlevels = ["medium", "maximum"]\n', encoding="utf-8"
    )
    common = [
        "--regions",
        str(tmp_path / "regions.csv"),
        "--facilities",
        str(tmp_path / "facilities.csv"),
        "--synthetic",
        "--seeds",
        "2",
        "--weeks",
        "2",
        "--batch",
        "8",
        "--no-figures",
    ]
    out = tmp_path / "report"
    assert (
        main(
            [
                "benchmark",
                str(tmp_path / "baseline.toml"),
                str(tmp_path / "merge.toml"),
                "--out",
                str(out),
                *common,
            ]
        )
        == 0
    )
    assert (out / "index.md").is_file() and (out / "metrics.csv").is_file()
    assert "merge (steady-state): the share of placed convicts" in capsys.readouterr().out

    (tmp_path / "bad.toml").write_text(
        '[[capacity]]\nlevels = ["medium"]\nfactor = -1\n', encoding="utf-8"
    )
    assert main(["benchmark", str(tmp_path / "bad.toml"), "--out", str(out), *common]) == 2
    assert (
        "bad.toml, column capacity[0].factor: must be a positive number" in capsys.readouterr().err
    )

"""The escort service's manifests: one CSV per week of a phased campaign (`week-01.csv`, ...)
with who travels, from which facility to which, by which rail route, how many rail km, and how
many km closer to home the move brings the convict; and `weeks.csv`, the plan at a glance.

The route is the shortest path over the national rail network (`data/rail_*.csv`) between the
stations nearest the two facilities. A plan folder is written whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimizer.domain import InputError, Problem
from optimizer.files import write_csv_atomically
from optimizer.i18n import language
from optimizer.policies.rail_routes import RailMap

MANIFEST_COLUMNS = (
    "week",
    "convict_id",
    "from_facility",
    "from_name",
    "to_facility",
    "to_name",
    "rail_route",
    "rail_km",
    "saved_km",
)
ROUTE_SEPARATOR = " – "
PLAN_SUMMARY = "weeks.csv"


@dataclass(frozen=True)
class RailRoutes:
    """The national rail network with its lines and station names, to route escorted trips."""

    rail: RailMap
    station_names: tuple[str, ...]

    @classmethod
    def read(cls, folder: Path | None = None) -> RailRoutes:
        from optimizer.data import DATA_DIR

        folder = folder or DATA_DIR
        stations = pd.read_csv(folder / "rail_stations.csv", dtype={"station_id": str})
        rail = RailMap.read(folder)
        name_of = dict(zip(stations["station_id"], stations["name"].astype(str), strict=True))
        return cls(rail, tuple(name_of[s] for s in rail.network.station_ids))


def manifest_name(week: int) -> str:
    """The file name of a week's manifest: `week-01.csv`, ..., `week-100.csv`."""
    return f"week-{week:02d}.csv"


def localised_names(table: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    """Per id in `key`, the name in `lang` (`name_ru`/`name_kk` where given, else `name`)."""
    column = {"ru": "name_ru", "kk": "name_kk"}.get(language(lang).value, "name")
    names = table["name"].astype(str)
    if column in table.columns:
        local = table[column].fillna("").astype(str)
        names = local.where(local.str.strip() != "", names)
    return dict(zip(table[key].astype(str), names, strict=True))


def manifests(
    moves: pd.DataFrame, facilities: pd.DataFrame, routes: RailRoutes, lang: str = "en"
) -> dict[int, pd.DataFrame]:
    """Per week, its manifest: the week's moves (in priority order) with names and rail route."""
    names = localised_names(facilities, "facility_id", lang)
    journeys = _routes(moves, facilities, routes)
    table = moves.assign(
        from_name=moves["from_facility"].map(names),
        to_name=moves["to_facility"].map(names),
        rail_route=journeys["rail_route"].to_numpy(),
        rail_km=journeys["rail_km"].to_numpy(),
    )
    phased = table[table["week"] > 0]
    columns = list(MANIFEST_COLUMNS)
    return {
        week: phased.loc[phased["week"] == week, columns].reset_index(drop=True)
        for week in sorted({int(w) for w in phased["week"]})
    }


def _routes(moves: pd.DataFrame, facilities: pd.DataFrame, routes: RailRoutes) -> pd.DataFrame:
    """Per move, the stations of the shortest rail path and its km (one path per pair)."""
    at = facilities.set_index("facility_id")
    pairs = moves[["from_facility", "to_facility"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame({"rail_route": [], "rail_km": []}, dtype=object)
    ends = [at.loc[pairs[c], ["lat", "lon"]].to_numpy(float) for c in pairs.columns]
    rail = routes.rail
    source, _ = rail.network.nearest_station(ends[0][:, 0], ends[0][:, 1])
    target, _ = rail.network.nearest_station(ends[1][:, 0], ends[1][:, 1])
    station_name = routes.station_names
    route, length = [], []
    for s, t in zip(source, target, strict=True):
        stations = [int(s)]
        for line in rail.path(int(s), int(t)):
            here = stations[-1]
            stations.append(int(rail.heads[line] if rail.tails[line] == here else rail.tails[line]))
        route.append(ROUTE_SEPARATOR.join(station_name[k] for k in stations))
        length.append(round(float(rail.network.station_km[s, t]), 1))
    keyed = pairs.assign(rail_route=route, rail_km=length)
    return moves[["from_facility", "to_facility"]].merge(
        keyed, on=["from_facility", "to_facility"], how="left"
    )


def write_plan(weeks: pd.DataFrame, by_week: dict[int, pd.DataFrame], folder: Path) -> list[Path]:
    """Write `weeks.csv` and one manifest per week into `folder`, whole or not at all.

    `folder` may be missing, empty, or a plan folder written before (it is replaced); a folder
    holding anything else is refused (InputError), so that nothing of the user's is lost."""
    folder = Path(folder)
    check_plan_folder(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        write_csv_atomically(weeks, staging / PLAN_SUMMARY)
        for week, table in by_week.items():
            write_csv_atomically(table, staging / manifest_name(week))
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / PLAN_SUMMARY, *(folder / manifest_name(w) for w in by_week)]


def check_plan_folder(folder: Path) -> None:
    """InputError unless `folder` is missing, empty, or holds only a plan's files."""
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(str(folder), None, None, "not a folder")])
    if folder.is_dir():
        foreign = [p.name for p in folder.iterdir() if not _plan_file(p.name)]
        if foreign:
            raise InputError(
                [
                    Problem(
                        str(folder),
                        None,
                        None,
                        f"holds files that are not a plan's ({', '.join(sorted(foreign)[:5])}); "
                        "choose an empty or new folder",
                    )
                ]
            )


def _plan_file(name: str) -> bool:
    stem = name.removeprefix("week-").removesuffix(".csv")
    return name == PLAN_SUMMARY or (name.startswith("week-") and stem.isdigit())


def _swap_in(staging: Path, folder: Path) -> None:
    """Put the staged folder in the place of `folder`: two renames, the old plan removed."""
    if not folder.exists():
        os.replace(staging, folder)
        return
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    os.replace(folder, old)
    try:
        os.replace(staging, folder)
    except BaseException:
        os.replace(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)

"""The shape of an allocation model: groups of interchangeable convicts, class blocks, cost tiers.

Convicts that are interchangeable (same class, same home point, same shared case) form groups.
The groups of one class share their eligible facilities, so each class becomes one dense block
of groups x eligible facilities with distances and costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import Objective
from optimizer.geo import DistanceSource, metre_matrix
from optimizer.rules import CLASS_COLUMNS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

NO_CASE = ""
"""The case of a convict without co-defendants in the batch."""


@dataclass
class ClassBlock:
    """The groups of one convict class and their (identical) eligible facilities, densely.

    `flow` and `in_model` are the working state of one flow solve; `with_cost` gives a fresh
    block for a changed cost, so a solve never alters a block another solve is using.
    """

    groups: IndexArray
    facilities: IndexArray
    distance_m: IntArray
    """groups x facilities, metres."""
    cost: IntArray
    """distance plus the home-region penalty where it applies (the same array as `distance_m`
    when none does: costs and distances are never changed in place, only replaced)."""
    flow: IntArray = field(init=False)
    in_model: npt.NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        self.flow = np.zeros_like(self.cost)
        self.in_model = np.zeros(self.cost.shape, dtype=bool)

    def with_cost(self, cost: IntArray) -> ClassBlock:
        """The same groups and facilities at another cost, with no flow yet."""
        return replace(self, cost=cost)

    def row_of(self, group: int) -> int:
        """The group's row in this block."""
        return int(np.searchsorted(self.groups, group))


def shared_cases(convicts: pd.DataFrame) -> pd.Series | None:
    """Per convict, the case id when the case has two or more convicts in this batch."""
    case = convicts["case_id"]
    shared = case.ne(NO_CASE) & case.duplicated(keep=False)
    return case.where(shared, NO_CASE) if shared.any() else None


def co_defendants_share(cases: pd.Series, facility_of: IndexArray) -> bool:
    """Whether two members of one case were given the same facility."""
    placed = (cases != NO_CASE).to_numpy() & (facility_of >= 0)
    pairs = pd.DataFrame({"case": cases.to_numpy()[placed], "facility": facility_of[placed]})
    return bool(pairs.duplicated().any())


def code_classes(convicts: pd.DataFrame) -> tuple[pd.DataFrame, IndexArray]:
    """The distinct classes among convicts (by `rules.CLASS_COLUMNS`) and each convict's class.

    The same table and codes as `rules.convict_classes` (classes in sorted order), by sorted
    factorisation instead of a pandas group-by, which costs milliseconds on a weekly batch.
    """
    columns = list(CLASS_COLUMNS)
    class_of, first = _lexicographic_codes([convicts[c].to_numpy() for c in columns])
    classes = convicts[columns].iloc[first].reset_index(drop=True)
    return classes, class_of


def group_interchangeable(
    convicts: pd.DataFrame, class_of: IndexArray, cases: pd.Series | None
) -> tuple[pd.DataFrame, IndexArray]:
    """Groups of interchangeable convicts: same class, same home point, same shared case.

    Co-defendants of one case who are otherwise alike form a group of their own whose arcs
    carry one convict each, so the flow itself keeps them in different facilities. Groups are
    in sorted order of (class, home region, home point, case).
    """
    case = cases.to_numpy() if cases is not None else np.full(len(convicts), NO_CASE, object)
    keys = [
        class_of,
        convicts["home_region"].to_numpy(),
        convicts["home_lat"].to_numpy(),
        convicts["home_lon"].to_numpy(),
        case,
    ]
    group_of, first = _lexicographic_codes(keys)
    groups = pd.DataFrame(
        {
            "class": class_of[first].astype(np.int64),
            "home_region": keys[1][first],
            "home_lat": keys[2][first],
            "home_lon": keys[3][first],
            "case": case[first],
            "count": np.bincount(group_of, minlength=len(first)).astype(np.int64),
        }
    )
    return groups, group_of


def _lexicographic_codes(columns: list[npt.NDArray[np.generic]]) -> tuple[IndexArray, IndexArray]:
    """Per row, the rank of its key (the tuple of its column values) among the distinct keys in
    sorted order, and for each distinct key the first row that has it."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    codes = [pd.factorize(column, sort=True)[0] for column in columns]
    order = np.lexsort(codes[::-1])
    changed = np.zeros(n, dtype=bool)
    changed[0] = True
    for code in codes:
        ordered = code[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    rank = np.cumsum(changed) - 1
    code_of = np.empty(n, dtype=np.intp)
    code_of[order] = rank
    return code_of, order[changed].astype(np.intp)


def class_blocks(
    groups: pd.DataFrame,
    n_classes: int,
    allowed: npt.NDArray[np.bool_],
    facilities: pd.DataFrame,
    distances: DistanceSource,
) -> list[ClassBlock]:
    """One block per class: its groups x its eligible facilities, cost = distance."""
    facility_lat = facilities["lat"].to_numpy(float)
    facility_lon = facilities["lon"].to_numpy(float)
    home_lat = groups["home_lat"].to_numpy(float)
    home_lon = groups["home_lon"].to_numpy(float)
    boundaries = np.searchsorted(groups["class"].to_numpy(), np.arange(n_classes + 1))
    blocks = []
    for k in range(n_classes):
        members = np.arange(boundaries[k], boundaries[k + 1], dtype=np.intp)
        eligible = np.flatnonzero(allowed[k]).astype(np.intp)
        metres = metre_matrix(
            distances,
            home_lat[boundaries[k] : boundaries[k + 1]],
            home_lon[boundaries[k] : boundaries[k + 1]],
            facility_lat[eligible],
            facility_lon[eligible],
        )
        blocks.append(ClassBlock(members, eligible, metres, metres))
    return blocks


def longest_distance(blocks: list[ClassBlock]) -> int:
    """The longest home-to-facility distance of any arc, in metres (at least 1)."""
    return max([1, *(int(b.distance_m.max()) for b in blocks if b.distance_m.size)])


def arc_capacities(groups: pd.DataFrame) -> IntArray:
    """Per group, what one arc to a facility may carry: all of it, or one co-defendant."""
    counts = groups["count"].to_numpy(np.int64)
    return np.where(groups["case"].to_numpy() != NO_CASE, np.minimum(counts, 1), counts)


def tier_weights(n_facilities: int, max_distance: int, objective: Objective) -> tuple[int, int]:
    """Weights for the home and unplaced tiers that keep the three tiers apart.

    A simple residual cycle alternates groups with facilities or the sink, so it has at most
    2 * (F + 2) arcs; each tier's weight is at least twice what the lower tiers can add up to
    along it, which also lets `split_cost` read the tiers back by rounding.
    """
    arcs = 2 * (n_facilities + 2)
    home = 2 * arcs * max_distance + 1 if objective is Objective.HOME_FIRST else 0
    unplaced = 2 * arcs * (home + max_distance) + 1
    return home, unplaced


def with_home_penalty(
    blocks: list[ClassBlock], groups: pd.DataFrame, facilities: pd.DataFrame, penalty: int
) -> list[ClassBlock]:
    """Blocks whose cost adds `penalty` to every arc leaving the convict's home region."""
    if penalty == 0:
        return blocks
    home = groups["home_region"].to_numpy()
    region = facilities["region"].to_numpy()
    return [
        block.with_cost(
            block.distance_m
            + penalty
            * (home[block.groups][:, None] != region[block.facilities][None, :]).astype(np.int64)
        )
        for block in blocks
    ]


def convict_distances(
    blocks: list[ClassBlock],
    groups: pd.DataFrame,
    group_of: IndexArray,
    facility_of: IndexArray,
) -> IntArray:
    """Per convict, metres from home to the assigned facility (0 when unplaced)."""
    distance = np.zeros(len(group_of), dtype=np.int64)
    convict_class = groups["class"].to_numpy()[group_of]
    for k, block in enumerate(blocks):
        mine = np.flatnonzero((convict_class == k) & (facility_of >= 0))
        if len(mine) == 0:
            continue
        rows = np.searchsorted(block.groups, group_of[mine])
        columns = np.searchsorted(block.facilities, facility_of[mine])
        distance[mine] = block.distance_m[rows, columns]
    return distance

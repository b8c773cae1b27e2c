"""Policies that reshape the penal network: the values and how they apply to a network.

A policy is a small declarative TOML file (see `data/policies/`, read by
`optimizer.policies.parse`). It may

- merge security levels (`[[merge]]`): facilities and convicts of the merged levels are
  relabelled to one level, the merged level's *label*. The label must be one of the merged
  levels, so tables stay in the vocabulary; by default it is the lowest of them in the order
  minimum < medium < maximum < extreme < complete < mixed (medium + maximum -> "medium");
- close facilities (`close = [...]`): a closed facility stays in the table with capacity 0, so
  that runs and maps can still name it, and no one is ever placed there;
- change capacity (`[[capacity]]`): capacity *= factor, rounded down, for the facilities
  listed by id or by (original) security level;
- add facilities (`[[add]]`): full facility records of the input contract.

They apply in that order: add, resize, close, merge. Levels named in `[[capacity]]` are
therefore the levels facilities have today. A policy only relabels levels and changes
capacities; who may serve where is still decided by `optimizer.rules` inside
`optimizer.allocation.solve`, on the convicts' own sex, age, medical need and officer status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import SecurityLevel
from optimizer.policies.words import in_language

IntArray = npt.NDArray[np.int64]

LEVEL_ORDER: tuple[str, ...] = tuple(level.value for level in SecurityLevel)
"""Security levels from the lowest to the highest: a merger's default label is the lowest."""


@dataclass(frozen=True, slots=True)
class LevelMerge:
    """Security levels served as one; `label` is the merged level's name."""

    levels: tuple[SecurityLevel, ...]
    label: SecurityLevel


@dataclass(frozen=True, slots=True)
class CapacityChange:
    """capacity *= factor, rounded down, for the facilities listed by id or by level."""

    factor: float
    levels: tuple[SecurityLevel, ...] = ()
    facility_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.factor > 0:
            raise ValueError(f"factor must be positive, got {self.factor}")


@dataclass(frozen=True)
class Policy:
    """A reform of the network, read from a policy file."""

    name: str
    title: str = ""
    description: str = ""
    merges: tuple[LevelMerge, ...] = ()
    closures: tuple[str, ...] = ()
    capacity_changes: tuple[CapacityChange, ...] = ()
    additions: pd.DataFrame | None = field(default=None, compare=False)
    """Validated facility records to add, or None."""
    translations: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The title and description in other languages (`title_ru`, `description_kk`)."""

    def title_in(self, lang: str) -> str:
        """The title in `lang` (the English title where the file gives none)."""
        return in_language(self.translations, "title", self.title or self.name, lang)

    def description_in(self, lang: str) -> str:
        return in_language(self.translations, "description", self.description, lang)

    def level_map(self) -> dict[str, str]:
        """Original level -> level under this policy, for the merged levels only."""
        return {level.value: merge.label.value for merge in self.merges for level in merge.levels}

    def apply(
        self, facilities: pd.DataFrame, convicts: pd.DataFrame
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The network and the convicts under this policy; the inputs are left untouched."""
        return self.apply_to_facilities(facilities), self.relabel(convicts)

    def apply_to_facilities(self, facilities: pd.DataFrame) -> pd.DataFrame:
        """Add, close, resize, merge; rows keep their order and additions come last.

        `occupied` is cut down to the new capacity, so the table stays valid for `solve`;
        `capacity_excess` tells how many occupants that leaves without a place.
        """
        table = facilities
        if self.additions is not None and len(self.additions):
            table = pd.concat([table, self.additions], ignore_index=True)
        table = table.copy()
        capacity = self._resized_capacity(table)
        table["capacity"] = capacity
        table["occupied"] = np.minimum(table["occupied"].to_numpy(np.int64), capacity)
        table["security_level"] = _relabel(table["security_level"], self.level_map())
        return table

    def _resized_capacity(self, table: pd.DataFrame) -> IntArray:
        """Capacities after the capacity changes (by today's levels), then the closures."""
        capacity = table["capacity"].to_numpy(np.int64).copy()
        ids = table["facility_id"].to_numpy()
        original_level = table["security_level"].to_numpy()
        for change in self.capacity_changes:
            chosen = np.isin(ids, change.facility_ids) | np.isin(
                original_level, [level.value for level in change.levels]
            )
            # rounding to 6 decimals first keeps 0.29 * 100 from flooring to 28
            capacity[chosen] = np.floor(np.round(capacity[chosen] * change.factor, 6)).astype(
                np.int64
            )
        capacity[np.isin(ids, self.closures)] = 0
        return capacity

    def relabel(self, convicts: pd.DataFrame) -> pd.DataFrame:
        """Convicts with their security level under this policy (merged levels relabelled)."""
        mapping = self.level_map()
        if not mapping:
            return convicts
        return convicts.assign(security_level=_relabel(convicts["security_level"], mapping))

    def is_closed(self, facilities: pd.DataFrame) -> npt.NDArray[np.bool_]:
        """Per row of a network under this policy, whether the policy closes the facility."""
        return np.isin(facilities["facility_id"].to_numpy(), self.closures)


def _relabel(levels: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    if not mapping:
        return levels
    return levels.map(lambda level: mapping.get(level, level))


def todays_occupancy(facilities: pd.DataFrame, network: pd.DataFrame) -> IntArray:
    """Per row of a policy's network: today's occupants, before any cut to the new capacity.

    `facilities` is today's network and `network` the policy's; added facilities come last in
    `network` and bring their own `occupied`.
    """
    return np.concatenate(
        [
            facilities["occupied"].to_numpy(np.int64),
            network["occupied"].to_numpy(np.int64)[len(facilities) :],
        ]
    )


def capacity_excess(policy: Policy, facilities: pd.DataFrame) -> IntArray:
    """Per row of the policy's network: today's occupants beyond the new capacity."""
    network = policy.apply_to_facilities(facilities)
    occupied = todays_occupancy(facilities, network)
    return np.asarray(
        np.maximum(occupied - network["capacity"].to_numpy(np.int64), 0), dtype=np.int64
    )

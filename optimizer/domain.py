"""The vocabulary of placement as types: levels, sexes, age categories, options, input errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

JUVENILE_AGE_LIMIT = 18
"""A convict under this age at sentencing is a juvenile (Nelson Mandela Rules, rule 11(d))."""

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) used for every great-circle distance."""


class SecurityLevel(StrEnum):
    """Type of facility set by the court (Criminal Code art. 46)."""

    MINIMUM = "minimum"
    MEDIUM = "medium"
    MAXIMUM = "maximum"
    EXTREME = "extreme"
    COMPLETE = "complete"
    MIXED = "mixed"


class CriminalHistory(StrEnum):
    """Whether a convict has served a prison sentence before (Penal Executive Code art. 94)."""

    FIRST_TIME = "first-time"
    REPEAT = "repeat"


class FacilityHistory(StrEnum):
    """Whom a facility holds by criminal history; `both` means isolated sections for each."""

    FIRST_TIME = "first-time"
    REPEAT = "repeat"
    BOTH = "both"


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class AgeCategory(StrEnum):
    JUVENILE = "juvenile"
    ADULT = "adult"


class Objective(StrEnum):
    """What an allocation optimises after placing as many convicts as possible."""

    MIN_DISTANCE = "min-distance"
    HOME_FIRST = "home-first"


class DistanceKind(StrEnum):
    GREAT_CIRCLE = "great-circle"
    RAIL = "rail"


class UnplacedReason(StrEnum):
    """Why a convict could not be placed; each names the binding rule."""

    NO_ELIGIBLE_FACILITY = "no-eligible-facility"
    ELIGIBLE_FACILITIES_FULL = "eligible-facilities-full"
    CO_DEFENDANT_SEPARATION = "co-defendant-separation"


def age_category(age: int) -> AgeCategory:
    """Juvenile under 18 at sentencing, adult otherwise."""
    return AgeCategory.JUVENILE if age < JUVENILE_AGE_LIMIT else AgeCategory.ADULT


@dataclass(frozen=True, slots=True)
class SolveOptions:
    objective: Objective = Objective.HOME_FIRST
    """Home region first is the law's default (Penal Executive Code art. 88)."""
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    time_limit_s: float = 60.0

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError(f"time_limit_s must be positive, got {self.time_limit_s}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One precise defect of an input table: where it is and what is wrong.

    `row` counts data records from 1 (the header is not counted); `None` means the whole
    file or column.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    """In English; `optimizer.data_messages` says it in another language."""
    key: str | None = field(default=None, compare=False)
    """The message's id in the `data` catalogue, when it has one."""
    fields: tuple[tuple[str, object], ...] = field(default=(), compare=False)
    """The values the message names, for its words in another language."""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class InputError(Exception):
    """Bad input: every problem found in one pass, never just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class SolverError(RuntimeError):
    """The solver failed on a valid model: a defect of this program, not of the input."""

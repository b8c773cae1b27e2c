"""The exact CP-SAT model over groups, with co-defendants as single convicts.

Units are a group's convicts outside shared cases, or one case member each. Reduced-cost fixing
(`Kept`) leaves out arcs that cannot carry a better allocation and fixes units with a single
possible facility as constants, which keeps the model small.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation.blocks import NO_CASE, ClassBlock, IndexArray, IntArray
from optimizer.domain import Objective, SolveOptions, SolverError

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

logger = logging.getLogger(__name__)

MAX_OPEN_GROUPS = 200_000
"""Above this many groups left open after reduced-cost fixing, the integer model is not tried:
the repaired (lawful) allocation is returned, marked as not proven optimal."""

Method = Literal["min-cost-flow", "cp-sat", "flow-repair"]
"""How a solution was found; "flow-repair" is lawful but not proven optimal."""


@dataclass(frozen=True)
class Members:
    """Who is in which group and case: the convict-level view of the groups."""

    groups: pd.DataFrame
    group_of: IndexArray
    cases: pd.Series

    @property
    def class_of_group(self) -> IndexArray:
        return self.groups["class"].to_numpy().astype(np.intp)

    @property
    def convict_class(self) -> IndexArray:
        return self.class_of_group[self.group_of]

    @property
    def case_of(self) -> npt.NDArray[np.object_]:
        return self.cases.to_numpy()


@dataclass(frozen=True)
class Kept:
    """Per class block: which arcs may carry flow in a better allocation, and who may wait."""

    arcs: list[npt.NDArray[np.bool_]]
    may_wait: list[npt.NDArray[np.bool_]]


@dataclass
class _Terms:
    """The pieces of the model's constraints and objectives, gathered block by block."""

    load: dict[int, list[cp_model.LinearExprT]] = field(default_factory=dict)
    together: dict[tuple[str, int], list[cp_model.LinearExprT]] = field(default_factory=dict)
    placed: list[cp_model.LinearExprT] = field(default_factory=list)
    home: list[cp_model.LinearExprT] = field(default_factory=list)
    distance: list[cp_model.LinearExprT] = field(default_factory=list)
    decided: list[tuple[IndexArray, list[tuple[int, cp_model.IntVar]]]] = field(
        default_factory=list
    )


class IntegerModel:
    """The allocation as CP-SAT variables; `hint` is a lawful allocation to start from."""

    def __init__(
        self,
        blocks: list[ClassBlock],
        members: Members,
        free: IntArray,
        options: SolveOptions,
        hint: IndexArray,
    ) -> None:
        self.blocks = blocks
        self.members = members
        self.free = free
        self.options = options
        self.hint = hint

    def solve(
        self, kept: Kept | None, targets: tuple[int | None, int | None] | None
    ) -> tuple[IndexArray, bool, Method]:
        """Per convict, the facility (or -1), whether proven optimal, and how it was found.

        `targets` (placed, at home) are counts known to be optimal (None where unknown): they are
        imposed instead of solved for.
        """
        from ortools.sat.python import cp_model

        open_groups = self._open_groups(kept)
        if open_groups > MAX_OPEN_GROUPS:
            logger.warning(
                "%d groups still open after fixing: keeping the repaired allocation unproven",
                open_groups,
            )
            return self.hint, False, "flow-repair"
        model = cp_model.CpModel()
        facility_of = np.full(len(self.members.group_of), -1, dtype=np.intp)
        fixed_load = np.zeros(len(self.free), dtype=np.int64)
        terms = _Terms()
        for k, block in enumerate(self.blocks):
            self._add_block(model, k, block, kept, terms, facility_of, fixed_load)
        self._add_limits(model, terms, fixed_load)
        stages = self._stages(model, terms, targets)
        outcome = self._run_stages(model, stages, terms)
        if outcome is None:
            return self.hint, False, "flow-repair"
        solver, optimal = outcome
        for members, arcs in terms.decided:
            cursor = 0
            for f, var in arcs:
                amount = solver.value(var)
                facility_of[members[cursor : cursor + amount]] = f
                cursor += amount
        return facility_of, optimal, "cp-sat"

    def _open_groups(self, kept: Kept | None) -> int:
        if kept is None:
            return sum(len(b.groups) for b in self.blocks)
        return sum(
            int(((kept.arcs[k].sum(axis=1) > 1) | kept.may_wait[k]).sum())
            for k in range(len(self.blocks))
        )

    def _add_block(
        self,
        model: cp_model.CpModel,
        k: int,
        block: ClassBlock,
        kept: Kept | None,
        terms: _Terms,
        facility_of: IndexArray,
        fixed_load: IntArray,
    ) -> None:
        mine = np.flatnonzero(self.members.convict_class == k)
        if len(mine) == 0:
            return
        group_of = self.members.group_of
        rows = np.searchsorted(block.groups, group_of[mine])
        allowed = kept.arcs[k] if kept is not None else np.ones(block.cost.shape, dtype=bool)
        waits = kept.may_wait[k] if kept is not None else np.ones(len(block.groups), dtype=bool)
        fixed_rows = (allowed.sum(axis=1) == 1) & ~waits
        self._add_fixed(block, mine[fixed_rows[rows]], allowed, terms, facility_of, fixed_load)
        for unit in self._units(mine[~fixed_rows[rows]]):
            row = block.row_of(int(group_of[unit[0]]))
            self._add_unit(model, block, row, unit, allowed[row], bool(waits[row]), terms)

    def _add_fixed(
        self,
        block: ClassBlock,
        fixed: IndexArray,
        allowed: npt.NDArray[np.bool_],
        terms: _Terms,
        facility_of: IndexArray,
        fixed_load: IntArray,
    ) -> None:
        """Convicts with one possible facility and no waiting: constants, not variables."""
        if len(fixed) == 0:
            return
        at_home = block.cost == block.distance_m  # the home penalty is on every other arc
        rows = np.searchsorted(block.groups, self.members.group_of[fixed])
        columns = allowed[rows].argmax(axis=1)
        facility_of[fixed] = block.facilities[columns]
        np.add.at(fixed_load, block.facilities[columns], 1)
        terms.placed.append(len(fixed))
        terms.home.append(int(at_home[rows, columns].sum()))
        terms.distance.append(int(block.distance_m[rows, columns].sum()))
        case_of = self.members.case_of
        in_case = case_of[fixed] != NO_CASE
        for i, column in zip(fixed[in_case], columns[in_case], strict=True):
            key = (str(case_of[i]), int(block.facilities[column]))
            terms.together.setdefault(key, []).append(1)

    def _units(self, convicts: IndexArray) -> list[IndexArray]:
        """One unit per group for ordinary convicts, one per case member."""
        group_of = self.members.group_of
        in_case = self.members.case_of[convicts] != NO_CASE
        ordinary = convicts[~in_case]
        ordinary = ordinary[np.argsort(group_of[ordinary], kind="stable")]
        starts = np.flatnonzero(np.diff(group_of[ordinary], prepend=-1))
        units = np.split(ordinary, starts[1:]) if len(ordinary) else []
        return units + [np.array([i]) for i in convicts[in_case]]

    def _add_unit(
        self,
        model: cp_model.CpModel,
        block: ClassBlock,
        row: int,
        unit: IndexArray,
        allowed: npt.NDArray[np.bool_],
        may_wait: bool,
        terms: _Terms,
    ) -> None:
        case = str(self.members.case_of[unit[0]])
        hinted = self.hint[unit]
        arcs: list[tuple[int, cp_model.IntVar]] = []
        for column in np.flatnonzero(allowed | np.isin(block.facilities, hinted)):
            f = int(block.facilities[column])
            var = model.new_int_var(0, len(unit), "")
            model.add_hint(var, int((hinted == f).sum()))
            arcs.append((f, var))
            terms.load.setdefault(f, []).append(var)
            terms.placed.append(var)
            if block.cost[row, column] == block.distance_m[row, column]:
                terms.home.append(var)
            terms.distance.append(int(block.distance_m[row, column]) * var)
            if case != NO_CASE:
                terms.together.setdefault((case, f), []).append(var)
        total = sum(v for _, v in arcs)
        if may_wait or not arcs:
            model.add(total <= len(unit))
        else:
            model.add(total == len(unit))
        terms.decided.append((unit, arcs))

    def _add_limits(self, model: cp_model.CpModel, terms: _Terms, fixed_load: IntArray) -> None:
        """Capacity of every facility, and co-defendants never together."""
        for f, variables in terms.load.items():
            model.add(sum(variables) <= int(self.free[f] - fixed_load[f]))
        for members_at in terms.together.values():
            if len(members_at) > 1:
                model.add(sum(members_at) <= 1)

    def _stages(
        self,
        model: cp_model.CpModel,
        terms: _Terms,
        targets: tuple[int | None, int | None] | None,
    ) -> list[tuple[list[cp_model.LinearExprT], bool]]:
        """The lexicographic objective as stages of (terms, maximise)."""
        stages: list[tuple[list[cp_model.LinearExprT], bool]] = []
        placed, home = targets if targets is not None else (None, None)
        if placed is None:
            stages.append((terms.placed, True))
        else:
            model.add(sum(terms.placed) == placed)
        if self.options.objective is Objective.HOME_FIRST:
            if home is None:
                stages.append((terms.home, True))
            else:
                model.add(sum(terms.home) == home)
        stages.append((terms.distance, False))
        return stages

    def _run_stages(
        self,
        model: cp_model.CpModel,
        stages: list[tuple[list[cp_model.LinearExprT], bool]],
        terms: _Terms,
    ) -> tuple[cp_model.CpSolver, bool] | None:
        """Solve stage by stage, fixing each optimum; None when time ran out without a result."""
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        # One worker: the same inputs always give the same allocation, which explanations and
        # audits re-solve to check (parallel workers may end on different equal optima).
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = self.options.time_limit_s
        optimal = True
        for stage_terms, maximise in stages:
            expression = sum(stage_terms)
            if maximise:
                model.maximize(expression)
            else:
                model.minimize(expression)
            status = solver.solve(model)
            if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
                raise SolverError(f"CP-SAT ended with status {solver.status_name(status)}")
            if status == cp_model.UNKNOWN:
                logger.warning(
                    "no better allocation found within %.0f s; keeping the repaired one",
                    self.options.time_limit_s,
                )
                return None
            optimal &= status == cp_model.OPTIMAL
            model.clear_hints()  # type: ignore[no-untyped-call]
            for _, arcs in terms.decided:
                for _, var in arcs:
                    model.add_hint(var, solver.value(var))
            model.add(expression == round(solver.objective_value))
        return solver, optimal

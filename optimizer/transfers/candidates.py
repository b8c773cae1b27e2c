"""Who a campaign may move, and in which order: open requests by the date received, then
recorded consents.

A waiting list for the home region is an open request: the next campaign and the next weekly
allocation honour it in order of the date received.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from optimizer.domain import InputError, Problem
from optimizer.transfers.limits import CampaignScope
from optimizer.transfers.placed import BoolArray, RowArray

CANDIDATE_COLUMNS = ("convict_id", "basis", "received")


class Basis(StrEnum):
    """Why a convict may be moved by a campaign."""

    REQUEST = "request"
    """An open transfer request, or a place on the waiting list for the home region."""
    CONSENT = "consent"
    """A recorded consent to a transfer for operational need (Penal Executive Code art. 88)."""


@dataclass(frozen=True, eq=False)
class Candidates:
    """Per convict of the population: whether a campaign may move it, and its priority."""

    movable: BoolArray
    priority: RowArray
    """A permutation of the population rows: earliest request first, then consents, then the
    rest, each in population order."""
    requests: int
    consents: int


def read_candidates(table: pd.DataFrame, name: str = "candidates") -> pd.DataFrame:
    """A candidates table (`convict_id,basis,received`), validated: a known basis, an ISO date
    for every request, each convict once (InputError naming the row and column)."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError([Problem(name, None, c, "missing column") for c in missing])
    table = table.astype({"convict_id": str, "basis": str}).fillna({"received": ""})
    problems: list[Problem] = []
    received: list[datetime.date | None] = []
    for i, (basis, day) in enumerate(zip(table["basis"], table["received"], strict=True)):
        if basis not in {b.value for b in Basis}:
            problems.append(Problem(name, i + 1, "basis", f"must be request or consent: {basis!r}"))
        received.append(_date(str(day), basis == Basis.REQUEST, name, i + 1, problems))
    problems += [
        Problem(name, int(i) + 1, "convict_id", "listed twice")
        for i in np.flatnonzero(table["convict_id"].duplicated().to_numpy())
    ]
    if problems:
        raise InputError(problems)
    return table.assign(received=pd.Series(received, index=table.index, dtype=object))[
        list(CANDIDATE_COLUMNS)
    ]


def _date(
    text: str, required: bool, name: str, row: int, problems: list[Problem]
) -> datetime.date | None:
    if not text.strip() or text == "nan":
        if required:
            problems.append(Problem(name, row, "received", "a request needs its date received"))
        return None
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        problems.append(Problem(name, row, "received", f"not a date (YYYY-MM-DD): {text!r}"))
        return None


def candidates(
    population: pd.DataFrame, table: pd.DataFrame | None, scope: CampaignScope
) -> Candidates:
    """Who may move under `scope`; every convict of `table` must be in the population."""
    table = read_candidates(
        table if table is not None else pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    )
    row_of = pd.Series(np.arange(len(population)), index=population["convict_id"].to_numpy())
    rows = table["convict_id"].map(row_of)
    unknown = np.flatnonzero(rows.isna().to_numpy())
    if len(unknown):
        raise InputError(
            [
                Problem("candidates", int(i) + 1, "convict_id", "not in the population")
                for i in unknown
            ]
        )
    listed = table.assign(row=rows.to_numpy(np.intp))
    is_request = listed["basis"].eq(Basis.REQUEST.value)
    ordered = pd.concat(
        [
            listed[is_request].sort_values(["received", "row"], kind="stable"),
            listed[~is_request].sort_values("row", kind="stable"),
        ]
    )["row"].to_numpy(np.intp)
    movable = np.zeros(len(population), dtype=bool)
    movable[ordered] = True
    rest = np.flatnonzero(~movable)
    if scope is CampaignScope.EVERYONE:
        movable[:] = True
    return Candidates(
        movable=movable,
        priority=np.concatenate([ordered, rest]).astype(np.intp),
        requests=int(is_request.sum()),
        consents=int((~is_request).sum()),
    )

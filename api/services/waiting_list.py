"""The home regions' waiting lists, honoured by the weekly allocation in order of the date
received.

How: when a run is solved, every wait-listed transferee in order of the date received holds the
first place free in a facility of the home region that the stored review found lawful; the batch
is solved around the held places. When the run is committed, the batch is added and then each
wait-listed transferee, in the same order, moves into a place still free in such a facility; a
move the store refuses (a co-defendant arrived meanwhile, the place is gone) leaves the request
waiting. Capacity and every rule of `optimizer/rules.py` hold: only facilities the review found
lawful are used, and the store checks room and co-defendants on every move. The campaign reads
the same list (`waiting_candidates`) with each request's date received.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy.orm import Session

from api import audit, store
from api.errors import ConflictError
from api.services.transfer_casework import record_notices
from api.services.transfer_reviews import evaluation_from_dict
from api.status import TransferStatus
from api.tables import PopulationRow, TransferRequestRow
from optimizer.i18n import translate
from optimizer.transfers import Decision, Move, Verdict
from optimizer.transfers.messages import DOMAIN


@dataclass(frozen=True, slots=True)
class Claim:
    """A wait-listed transferee and the home-region facility whose free place it takes."""

    request: TransferRequestRow
    from_facility: str
    to_facility: str


def claims(session: Session, free: Mapping[str, int]) -> list[Claim]:
    """Per wait-listed request, in order of the date received, the first lawful facility of the
    home region (nearest to home first) with a place left in `free` (free places per facility)."""
    left = dict(free)
    taken: list[Claim] = []
    for row in store.waiting_list(session=session):
        serving = session.get(PopulationRow, row.convict_id)
        if serving is None:
            continue
        evaluation = json.loads(row.evaluation)
        home = [
            o["facility_id"]
            for o in evaluation["options"]
            if o["lawful"] and o["facility_id"] != serving.facility_id
        ]
        target = next((f for f in home if left.get(f, 0) > 0), None)
        if target is not None:
            left[target] -= 1
            taken.append(Claim(row, serving.facility_id, target))
    return taken


def hold_places(session: Session, network: store.Network) -> store.Network:
    """The network as the batch must see it: places held for the waiting lists taken."""
    f = network.facilities
    free = dict(zip(f["facility_id"], f["capacity"] - f["occupied"], strict=True))
    held = pd.Series([c.to_facility for c in claims(session, free)], dtype=object).value_counts()
    if held.empty:
        return network
    occupied = f["occupied"] + f["facility_id"].map(held).fillna(0).astype(f["occupied"].dtype)
    return replace(network, facilities=f.assign(occupied=occupied))


def honour(session: Session, actor: str) -> list[str]:
    """Move wait-listed transferees into free places of their home region, in order of the date
    received (inside the caller's transaction); returns the request ids moved."""
    free = {r.facility_id: r.capacity - r.occupied for r in store.list_facilities(session=session)}
    moved = []
    for claim in claims(session, free):
        move = (claim.request.convict_id, claim.from_facility, claim.to_facility)
        try:
            with session.begin_nested():
                change = store.move_convicts(session=session, moves=[move])
        except ConflictError:
            continue
        _grant(session, claim, change, actor)
        moved.append(str(claim.request.request_id))
    return moved


def _grant(session: Session, claim: Claim, change: dict[str, int], actor: str) -> None:
    """Record the move as the request's grant, with its notices and its audit entry (whose
    occupancy change the audit check replays, as for any decided transfer)."""
    row = claim.request
    names = {r.region: r.name for r in store.list_regions(session=session)}
    evaluation = evaluation_from_dict(json.loads(row.evaluation), names)
    target = evaluation.option(claim.to_facility)
    assert target is not None, "a claim goes to a facility of the review"
    move = Move(
        row.convict_id,
        claim.from_facility,
        claim.to_facility,
        evaluation.current.distance_km,
        target.distance_km,
    )
    reason = translate(DOMAIN, "waiting-list.honoured", row.language)
    decision = Decision(
        convict_id=row.convict_id,
        ground=evaluation.ground,
        verdict=Verdict.GRANT,
        recommendation=evaluation.recommendation,
        reviewer=actor,
        second_reviewer=None,
        reason=reason,
        facility_id=claim.to_facility,
        swap=None,
        recommended_facility=evaluation.facility_id,
    )
    row.status = TransferStatus.GRANTED.value
    row.decision = Verdict.GRANT.value
    row.decision_facility = claim.to_facility
    row.decision_reason = reason
    row.moves = [move.as_dict()]
    notices = record_notices(session, row, decision, evaluation, actor)
    audit.append(
        session,
        actor,
        "transfer-request.decided",
        {
            "request_id": str(row.request_id),
            "decision": Verdict.GRANT.value,
            "waiting_list_honoured": True,
            "received": row.received.isoformat(),
            "facility_id": claim.to_facility,
            "moves": [{"from_facility": claim.from_facility, "to_facility": claim.to_facility}],
            "occupancy_change": change,
            "notices": notices,
        },
    )


def waiting_candidates(session: Session) -> pd.DataFrame:
    """The waiting lists as a campaign's candidates (`convict_id,basis,received`): requests,
    in order of the date received."""
    rows: Sequence[TransferRequestRow] = store.waiting_list(session=session)
    return pd.DataFrame(
        {
            "convict_id": [r.convict_id for r in rows],
            "basis": ["request"] * len(rows),
            "received": [r.received.isoformat() for r in rows],
        }
    )

"""The auditors' screen: the hash-chained log, filterable, and its verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api import audit
from api.console.paging import Paging
from api.console.web import PREFIX, Auditor, ConsoleRoute, page

router = APIRouter(prefix=f"{PREFIX}/audit", route_class=ConsoleRoute, include_in_schema=False)


@router.get("")
def audit_log(
    request: Request,
    user: Auditor,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=300)] = "",
    verify: Annotated[bool, Query()] = False,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    """A page of the log, of one action or actor; with `verify`, the chain recomputed."""
    paging = Paging(page_number, 50)
    with request.app.state.store.sessions() as session:
        rows, total = audit.filter_entries(
            session=session,
            action=action.replace("\x00", "") or None,
            actor=actor.replace("\x00", "") or None,
            offset=paging.offset,
            limit=paging.size,
        )
        actions = audit.list_actions(session=session)
        verification = audit.verify(session=session) if verify else None
    filters = {"action": action, "actor": actor}
    context = {
        "rows": rows,
        "actions": actions,
        "filters": filters,
        "verification": verification,
        "paging": paging.of(total, filters),
    }
    return page(request, "audit/log.html", context)

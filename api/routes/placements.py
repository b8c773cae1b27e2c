"""A run's placements and the explanation of each, in English, Russian or Kazakh."""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import store
from api.deps import RunReader, SessionDep
from api.routes import responses
from api.schemas import ExplanationPublic, Language, PlacementPublic, PlacementsPage
from optimizer.i18n import negotiate

router = APIRouter(prefix="/runs/{run_id}/placements", tags=["placements"])

MAX_OFFSET = 2**31 - 1


@router.get("", responses=responses(404))
def list_placements(
    session: SessionDep,
    _user: RunReader,
    run_id: uuid.UUID,
    region: Annotated[
        str | None, Query(max_length=16, description="region of the facility", examples=["KZ-75"])
    ] = None,
    home_region: Annotated[
        str | None,
        Query(max_length=16, description="the convict's home region", examples=["KZ-75"]),
    ] = None,
    facility_id: Annotated[str | None, Query(max_length=64, examples=["F061"])] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PlacementsPage:
    """Page through a run's placements in input order, by facility, region or home region."""
    store.get_run(session=session, run_id=run_id)
    rows, total = store.list_placements(
        session=session,
        run_id=run_id,
        region=region,
        home_region=home_region,
        facility_id=facility_id,
        offset=offset,
        limit=limit,
    )
    return PlacementsPage(items=[PlacementPublic.from_row(r) for r in rows], total=total)


@router.get("/{convict_id}", responses=responses(404))
def read_placement(
    session: SessionDep, _user: RunReader, run_id: uuid.UUID, convict_id: str
) -> PlacementPublic:
    """Where one convict of the run was placed, or why not."""
    return PlacementPublic.from_row(
        store.get_placement(session=session, run_id=run_id, convict_id=convict_id)
    )


@router.get("/{convict_id}/explanation", response_model=ExplanationPublic, responses=responses(404))
async def read_explanation(
    request: Request,
    _user: RunReader,
    run_id: uuid.UUID,
    convict_id: str,
    lang: Language | None = None,
) -> Response:
    """Why this facility, why not a closer one, what would have to change: as data and in words.

    The words are in `lang` (en, ru, kk) or, without it, the best of them for the request's
    `Accept-Language`; English by default. Regions and facilities are named in that language.
    The data is the explanation stored when the run was solved; the words are rendered from it.
    A run never changes once stored, so an answer already given is served from memory without
    leaving the event loop; otherwise the store is read in a worker thread.
    """
    lang = lang or negotiate(request.headers.get("accept-language"))
    cache: ExplanationCache = request.app.state.explanation_cache
    key = (run_id, convict_id, lang.value)
    body = cache.get(key)
    if body is None:
        body = await run_in_threadpool(_render_explanation, request, run_id, convict_id, lang)
        cache.put(key, body)
    return Response(body, media_type="application/json")


def _render_explanation(
    request: Request, run_id: uuid.UUID, convict_id: str, lang: Language
) -> bytes:
    from optimizer.explain import render_explanation

    with request.app.state.store.sessions() as session:
        stored = store.get_explanation(session=session, run_id=run_id, convict_id=convict_id)
    names = request.app.state.network_names
    text = render_explanation(json.loads(stored), lang.value, names["regions"], names["facilities"])
    # The stored JSON goes out as it is: parsing and re-validating it would only cost time.
    return (
        f'{{"run_id":"{run_id}","convict_id":{_json(convict_id)},"lang":"{lang.value}",'
        f'"explanation":{stored},"text":{_json(text)}}}'
    ).encode()


class ExplanationCache:
    """Rendered explanations of this process, least recently used first out.

    A run's explanations never change once stored, so a cached answer is never stale; the
    role check still runs on every request.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[uuid.UUID, str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[uuid.UUID, str, str]) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple[uuid.UUID, str, str], body: bytes) -> None:
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)

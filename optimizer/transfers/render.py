"""Transfers in words: the text of a review, from the message catalogue, and of a campaign.

A review reads in a fixed order: the situation, the request, its lawfulness, the lawful
candidates, the swaps, the reasons, the places to look elsewhere, the recommendation.
"""

from __future__ import annotations

from typing import Any

from optimizer.explain.messages import LANGUAGES
from optimizer.i18n import translator
from optimizer.rules import level_name, rule_name
from optimizer.transfers.domain import REASON_RULE, FacilityOption, Reason, Verdict
from optimizer.transfers.evaluation import Evaluation
from optimizer.transfers.messages import (
    DOMAIN,
    check_language,
    rule_citation,
    rule_line,
    transfer_message,
)

LOOKS_ELSEWHERE = (
    Reason.NO_FACILITY_OF_TYPE,
    Reason.NO_LAWFUL_FACILITY,
    Reason.FULL_NO_SWAP,
    Reason.NOT_CLOSER_TO_HOME,
    Reason.ALREADY_IN_HOME_REGION,
)
"""Reasons after which the review lists lawful facilities closer to home than now."""


def render_evaluation(evaluation: Evaluation, lang: str = "en") -> str:
    """The review in words: situation, lawfulness, options, swaps, reasons, recommendation."""
    check_language(lang)
    e = evaluation
    target = _target(e, lang)
    lines = [
        *_situation(e, lang),
        *_lawfulness(e, lang),
        *_candidates(e, lang),
        *_swaps(e, lang),
        *(_reason_text(e, r, target, lang) for r in e.reasons),
    ]
    if any(r in e.reasons for r in LOOKS_ELSEWHERE):
        lines += _alternatives(e, lang)
    lines += _offers(e, lang)
    lines.append(_recommendation(e, lang))
    return "\n".join(lines)


def reason_texts(evaluation: Evaluation, lang: str = "en") -> list[str]:
    """The review's reasons in words, as the review text gives them."""
    target = _target(evaluation, lang)
    return [_reason_text(evaluation, r, target, lang) for r in evaluation.reasons]


def _target(e: Evaluation, lang: str) -> str:
    """The requested facility's id, or the requested region as the reasons name it."""
    if e.target_facility is not None:
        return e.target_facility
    return transfer_message(
        "target.region",
        lang,
        region_name=_region(e, e.target_region, e.target_region_name, lang),
        region=e.target_region,
    )


def _situation(e: Evaluation, lang: str) -> list[str]:
    """Who asks, where the convict serves now, and what the request is."""
    lines = [
        transfer_message("title", lang, convict_id=e.convict_id),
        transfer_message(
            "current",
            lang,
            facility_name=_facility(e, e.current, lang),
            facility_id=e.current.facility_id,
            facility_region_name=_region(e, e.current.region, e.current_region_name, lang),
            distance_km=translator(DOMAIN, lang).number(e.current.distance_km),
            home_region_name=_region(e, e.home_region, e.home_region_name, lang),
            home_region=e.home_region,
        ),
    ]
    ground_text = transfer_message(f"ground.{e.ground.value}", lang)
    if e.target_facility is not None:
        target_option = e.option(e.target_facility)
        lines.append(
            transfer_message(
                "request.facility",
                lang,
                facility_name=_facility(e, target_option or e.current, lang),
                facility_id=e.target_facility,
                region_name=_region(e, e.target_region, e.target_region_name, lang),
                ground_text=ground_text,
            )
        )
    else:
        lines.append(
            transfer_message(
                "request.region",
                lang,
                region_name=_region(e, e.target_region, e.target_region_name, lang),
                region=e.target_region,
                ground_text=ground_text,
            )
        )
    return lines


def _lawfulness(e: Evaluation, lang: str) -> list[str]:
    """Lawful, or the rules that forbid the transfer and where each facility fails them."""
    if e.lawful:
        return [transfer_message("lawful.yes", lang)]
    if not e.failed_rules:
        return []
    return [
        transfer_message("lawful.no", lang),
        *(rule_line(r, lang) for r in e.failed_rules),
        *(
            transfer_message(
                "facility.unlawful",
                lang,
                facility_name=_facility(e, o, lang),
                facility_id=o.facility_id,
                security_level=level_name(o.security_level, lang),
                rules=", ".join(rule_name(r, lang) for r in o.failed_rules),
            )
            for o in e.options
        ),
    ]


def _facility(e: Evaluation, option: FacilityOption, lang: str) -> str:
    """A facility's name in the reader's language (English where the data give no other)."""
    return e.name_in(option.facility_id, option.name, lang)


def _region(e: Evaluation, region: str, english: str, lang: str) -> str:
    return e.name_in(region, english, lang)


def _candidate_line(e: Evaluation, option: FacilityOption, lang: str, closer: str) -> str:
    t = translator(DOMAIN, lang)
    return transfer_message(
        "candidate.line",
        lang,
        facility_name=_facility(e, option, lang),
        facility_id=option.facility_id,
        distance_km=t.number(option.distance_km),
        change_km=t.signed(option.change_km),
        free_places=t.number(option.free_places),
        closer=closer,
    )


def _candidates(e: Evaluation, lang: str) -> list[str]:
    """The lawful facilities of the target, each marked when not closer to home."""
    lawful = e.lawful_options
    if not lawful:
        return []
    not_closer = transfer_message("candidate.not-closer", lang)
    return [
        transfer_message("candidates.head", lang),
        *(_candidate_line(e, o, lang, "" if o.closer else not_closer) for o in lawful),
    ]


def _swaps(e: Evaluation, lang: str) -> list[str]:
    """The swaps found, each with its moves."""
    if not e.swaps:
        return []
    t = translator(DOMAIN, lang)
    lines = [transfer_message("swap.head", lang)]
    for s in e.swaps:
        moves = "; ".join(
            transfer_message(
                "swap.move",
                lang,
                convict_id=m.convict_id,
                from_facility=m.from_facility,
                to_facility=m.to_facility,
                change_km=t.signed(m.change_km),
            )
            for m in s.moves
        )
        lines.append(
            transfer_message(
                "swap.line",
                lang,
                kind=transfer_message(f"swap.kind.{s.kind.value}", lang),
                people=t.number(s.people),
                total_km=t.signed(s.total_change_km),
                moves=moves,
            )
        )
    return lines


def _alternatives(e: Evaluation, lang: str) -> list[str]:
    """Lawful facilities closer to home than now, or that there are none."""
    head = "alternatives.head" if e.alternatives else "alternatives.none"
    return [
        transfer_message(head, lang),
        *(_candidate_line(e, o, lang, "") for o in e.alternatives),
    ]


def _offers(e: Evaluation, lang: str) -> list[str]:
    """When the home region is full: the nearest lawful facility with room, and its waiting list."""
    if not e.waiting_list:
        return []
    t = translator(DOMAIN, lang)
    lines = []
    nearest = e.nearest_with_room
    if nearest is not None:
        lines.append(
            transfer_message(
                "offer.nearest",
                lang,
                facility_name=_facility(e, nearest, lang),
                facility_id=nearest.facility_id,
                region_name=_region(e, nearest.region, nearest.region, lang),
                distance_km=t.number(nearest.distance_km),
                free_places=t.number(nearest.free_places),
            )
        )
    region = _region(e, e.home_region, e.home_region_name, lang)
    lines.append(transfer_message("offer.waiting-list", lang, region_name=region))
    return lines


def _recommendation(e: Evaluation, lang: str) -> str:
    chosen = e.option(e.facility_id) if e.facility_id is not None else None
    if e.recommendation is Verdict.DENY or chosen is None:
        return transfer_message("recommend.deny", lang)
    if e.recommendation is Verdict.GRANT:
        return transfer_message(
            "recommend.grant",
            lang,
            facility_name=_facility(e, chosen, lang),
            facility_id=chosen.facility_id,
        )
    return transfer_message(
        "recommend.grant-with-swap",
        lang,
        people=translator(DOMAIN, lang).number(e.swaps[0].people),
        facility_name=_facility(e, chosen, lang),
        facility_id=chosen.facility_id,
    )


def _reason_text(e: Evaluation, reason: Reason, target: str, lang: str) -> str:
    t = translator(DOMAIN, lang)
    rule = REASON_RULE[reason]
    fields: dict[str, Any] = {
        "target": target,
        "rule_text": rule_citation(rule, lang) if rule is not None else "",
        "max_people": t.number(e.max_swap_people),
        "count": t.number(len(e.swaps)),
    }
    if reason is Reason.ROOM_AVAILABLE and e.facility_id is not None:
        chosen = e.option(e.facility_id)
        assert chosen is not None
        fields |= {
            "facility_name": _facility(e, chosen, lang),
            "facility_id": chosen.facility_id,
            "free_places": t.number(chosen.free_places),
        }
    if reason is Reason.CLOSER_FACILITY_AVAILABLE:
        nearest = next(a for a in e.alternatives if a.free_places > 0)
        fields |= {
            "facility_name": _facility(e, nearest, lang),
            "facility_id": nearest.facility_id,
            "free_places": t.number(nearest.free_places),
            "distance_km": t.number(nearest.distance_km),
        }
    return transfer_message(reason.value, lang, **fields)


def evaluation_document(evaluation: Evaluation) -> dict[str, Any]:
    """The review as JSON: its facts, and its text in every language."""
    return {
        **evaluation.as_dict(),
        "explanation": {lang: render_evaluation(evaluation, lang) for lang in LANGUAGES},
    }

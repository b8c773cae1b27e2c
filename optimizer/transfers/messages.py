"""The transfer-review message catalogue: every sentence of a review, in English and Russian.

Keys are the stable reason codes of `transfers.Reason` and the ids of the review's other lines.
Rule texts come from the placement catalogue (`optimizer.messages`, keyed `rule.<rule id>`) and
legal sources from `optimizer.rules.RULES`, so a rule reads the same everywhere.
"""

from __future__ import annotations

from typing import Any

from optimizer.explain.messages import message as placement_message
from optimizer.i18n import language, translate
from optimizer.rules import RULES

ART_88_EN = "Penal Code art. 88"
ART_88_RU = "ст. 88 УИК"

TRANSFER_CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "title": "Transfer request of convict {convict_id}",
        "current": (
            "Serves in {facility_name} ({facility_id}), {facility_region_name}, "
            "{distance_km:,.0f} km from home in {home_region_name} ({home_region})."
        ),
        "request.region": (
            "Asks for a transfer to {region_name} ({region}) on the ground: {ground_text}."
        ),
        "request.facility": (
            "Asks for a transfer to {facility_name} ({facility_id}), {region_name}, on the "
            "ground: {ground_text}."
        ),
        "ground.home-region": f"serving in the home region ({ART_88_EN})",
        "ground.safety": f"the convict's personal safety ({ART_88_EN})",
        "ground.reorganisation": f"reorganisation or closure of the facility ({ART_88_EN})",
        "ground.operational-need": f"operational need, with the convict's consent ({ART_88_EN})",
        "ground.keeping-order": f"keeping order in the facility ({ART_88_EN})",
        "lawful.yes": (
            "Lawful: the transfer keeps the security level, sex and age category and every "
            "other hard rule."
        ),
        "lawful.no": "Not lawful; the rules that forbid it:",
        "rule.line": "- {text} ({rule_id}; {legal_source})",
        "rule.cite": "rule {rule_id}; {legal_source}",
        "facility.unlawful": "- {facility_name} ({facility_id}, {security_level}): {rules}.",
        "candidates.head": "Lawful facilities in the target, nearest to home first:",
        "candidate.line": (
            "- {facility_name} ({facility_id}), {distance_km:,.0f} km from home "
            "({change_km:+,.0f} km), {free_places} free places{closer}"
        ),
        "candidate.not-closer": "; not closer to home than now",
        "swap.head": "Swaps that make room, moving nobody farther from home:",
        "swap.line": "- {kind} of {people} people, {total_km:+,.0f} km in all: {moves}",
        "swap.kind.cycle": "exchange",
        "swap.kind.chain": "chain into a free place",
        "swap.move": "{convict_id} {from_facility} -> {to_facility} ({change_km:+,.0f} km)",
        "alternatives.head": "Lawful facilities closer to home than the current one:",
        "alternatives.none": "No lawful facility is closer to home than the current one.",
        "already-in-target": "The convict already serves in the requested facility.",
        "consent-required": (
            "A transfer for operational need requires the convict's consent, which is not "
            f"recorded ({ART_88_EN})."
        ),
        "no-lawful-facility": "No facility in {target} may lawfully hold this convict.",
        "no-facility-of-type": (
            "{target} has no facility of the type this convict must serve in; serving there is "
            "not possible ({rule_text})."
        ),
        "not-closer-to-home": (
            "The lawful facilities in {target} are not closer to home than the current one "
            "({rule_text})."
        ),
        "already-in-home-region": (
            "The convict already serves in the home region and no lawful facility there is "
            "closer to home ({rule_text})."
        ),
        "room-available": (
            "{facility_name} ({facility_id}) has {free_places} free places ({rule_text})."
        ),
        "swap-available": (
            "Every lawful facility in {target} is full ({rule_text}); {count} swaps make room "
            "without moving anyone farther from home."
        ),
        "swap-needs-consent": (
            f"The others in a swap move for operational need and must consent ({ART_88_EN}); "
            "their families are told of the transfer (UN Nelson Mandela Rules, rule 68)."
        ),
        "full-no-swap": (
            "Every lawful facility in {target} is full ({rule_text}), and no swap of up to "
            "{max_people} people makes room without moving someone farther from home."
        ),
        "closer-facility-available": (
            "{facility_name} ({facility_id}), {distance_km:,.0f} km from home, is lawful, "
            "closer than the current facility and has {free_places} free places; a request for "
            "it could be granted."
        ),
        "recommend.grant": "Recommendation: grant, transfer to {facility_name} ({facility_id}).",
        "recommend.grant-with-swap": (
            "Recommendation: grant with the swap of {people} people into {facility_name} "
            "({facility_id})."
        ),
        "recommend.deny": "Recommendation: deny.",
        "reasons": "Reason codes: {codes}.",
    },
    "ru": {
        "title": "Ходатайство осуждённого {convict_id} о переводе",
        "current": (
            "Отбывает наказание в {facility_name} ({facility_id}), {facility_region_name}, "
            "в {distance_km:,.0f} км от дома ({home_region_name}, {home_region})."
        ),
        "request.region": (
            "Просит о переводе в {region_name} ({region}) по основанию: {ground_text}."
        ),
        "request.facility": (
            "Просит о переводе в {facility_name} ({facility_id}), {region_name}, по "
            "основанию: {ground_text}."
        ),
        "ground.home-region": f"отбывание в области проживания ({ART_88_RU})",
        "ground.safety": f"обеспечение личной безопасности осуждённого ({ART_88_RU})",
        "ground.reorganisation": f"реорганизация или ликвидация учреждения ({ART_88_RU})",
        "ground.operational-need": (
            f"производственная необходимость с согласия осуждённого ({ART_88_RU})"
        ),
        "ground.keeping-order": f"поддержание порядка в учреждении ({ART_88_RU})",
        "lawful.yes": (
            "Перевод законен: сохраняются вид режима, пол и возрастная категория и все иные "
            "обязательные правила."
        ),
        "lawful.no": "Перевод незаконен; его запрещают правила:",
        "rule.line": "- {text} ({rule_id}; {legal_source})",
        "rule.cite": "правило {rule_id}; {legal_source}",
        "facility.unlawful": "- {facility_name} ({facility_id}, {security_level}): {rules}.",
        "candidates.head": "Учреждения, куда перевод законен, от ближайшего к дому:",
        "candidate.line": (
            "- {facility_name} ({facility_id}), {distance_km:,.0f} км от дома "
            "({change_km:+,.0f} км), свободных мест: {free_places}{closer}"
        ),
        "candidate.not-closer": "; не ближе к дому, чем сейчас",
        "swap.head": "Обмены, освобождающие место, при которых никто не удаляется от дома:",
        "swap.line": "- {kind}, участников: {people}, всего {total_km:+,.0f} км: {moves}",
        "swap.kind.cycle": "обмен",
        "swap.kind.chain": "цепочка на свободное место",
        "swap.move": "{convict_id} {from_facility} -> {to_facility} ({change_km:+,.0f} км)",
        "alternatives.head": (
            "Учреждения, куда перевод законен и которые ближе к дому, чем нынешнее:"
        ),
        "alternatives.none": "Законных учреждений ближе к дому, чем нынешнее, нет.",
        "already-in-target": "Осуждённый уже отбывает наказание в запрошенном учреждении.",
        "consent-required": (
            "Перевод по производственной необходимости требует согласия осуждённого, а оно не "
            f"зафиксировано ({ART_88_RU})."
        ),
        "no-lawful-facility": (
            "Ни одно учреждение в {target} не может законно принять этого осуждённого."
        ),
        "no-facility-of-type": (
            "В {target} нет учреждения того вида, в котором должен отбывать наказание "
            "осуждённый; отбывание там невозможно ({rule_text})."
        ),
        "not-closer-to-home": (
            "Законные учреждения в {target} не ближе к дому, чем нынешнее ({rule_text})."
        ),
        "already-in-home-region": (
            "Осуждённый уже отбывает наказание в области проживания, и законного учреждения "
            "ближе к дому там нет ({rule_text})."
        ),
        "room-available": (
            "В {facility_name} ({facility_id}) свободных мест: {free_places} ({rule_text})."
        ),
        "swap-available": (
            "Все законные учреждения в {target} заполнены ({rule_text}); обменов, освобождающих "
            "место без удаления кого-либо от дома: {count}."
        ),
        "swap-needs-consent": (
            "Другие участники обмена переводятся по производственной необходимости и должны "
            f"дать согласие ({ART_88_RU}); их семьи уведомляются о переводе (Правила Нельсона "
            "Манделы, правило 68)."
        ),
        "full-no-swap": (
            "Все законные учреждения в {target} заполнены ({rule_text}), и нет обмена с "
            "участием до {max_people} человек, освобождающего место без удаления кого-либо "
            "от дома."
        ),
        "closer-facility-available": (
            "{facility_name} ({facility_id}) в {distance_km:,.0f} км от дома законно, ближе "
            "нынешнего и имеет свободных мест: {free_places}; ходатайство о переводе туда "
            "может быть удовлетворено."
        ),
        "recommend.grant": (
            "Рекомендация: удовлетворить, перевести в {facility_name} ({facility_id})."
        ),
        "recommend.grant-with-swap": (
            "Рекомендация: удовлетворить с обменом {people} человек, перевести в "
            "{facility_name} ({facility_id})."
        ),
        "recommend.deny": "Рекомендация: отказать.",
        "reasons": "Коды оснований: {codes}.",
    },
}


def check_language(lang: str) -> None:
    """`ValueError` naming the languages there are, unless `lang` is one of them."""
    language(lang)


def transfer_message(key: str, lang: str = "en", **fields: Any) -> str:
    """The catalogue text for `key` in `lang` (English when missing), filled with `fields`."""
    return translate(TRANSFER_CATALOGUE, key, lang, **fields)


def rule_line(rule_id: str, lang: str = "en") -> str:
    """A rule in words with its id and legal source, as a line of a list."""
    return transfer_message(
        "rule.line",
        lang,
        text=placement_message(f"rule.{rule_id}", lang),
        rule_id=rule_id,
        legal_source=RULES[rule_id].legal_source,
    )


def rule_citation(rule_id: str, lang: str = "en") -> str:
    """A rule's id and legal source, to cite inside a sentence."""
    return transfer_message(
        "rule.cite", lang, rule_id=rule_id, legal_source=RULES[rule_id].legal_source
    )

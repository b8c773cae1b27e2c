"""The message catalogue: every sentence the product shows, in English and Russian.

Keys are stable; rule texts are keyed by rule id (`rule.same-sex`). Lookup, fallback and
formatting are `optimizer.i18n`'s, shared with the transfer catalogue.
"""

from __future__ import annotations

from typing import Any

from optimizer.i18n import LANGUAGES, Translator, translate, translator

__all__ = ["CATALOGUE", "LANGUAGES", "message", "messages"]

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "title": "Placement of convict {convict_id}",
        "profile": (
            "Profile: {sex_word}, age {age} ({age_word}), security level {security_level} set by "
            "the court, home region {home_region_name} ({home_region}){need}{officer}{case}."
        ),
        "sex.M": "man",
        "sex.F": "woman",
        "age.juvenile": "juvenile",
        "age.adult": "adult",
        "need": ", needs a facility with the {medical_need} profile",
        "officer": ", former law-enforcement officer",
        "case": ", co-defendant in case {case_id}",
        "rules": "Rules applied:",
        "rule.line": "- {text} ({legal_source})",
        "rule.same-security-level": "The facility is of the security level that the court set.",
        "rule.same-sex": "Men and women serve in separate facilities.",
        "rule.same-age-category": "Juveniles and adults serve in separate facilities.",
        "rule.medical-profile": (
            "A convict who needs medical care serves in a facility with that profile."
        ),
        "rule.former-officer-separation": (
            "Former law-enforcement officers serve only in facilities for former officers, and "
            "only they serve there."
        ),
        "rule.capacity": "New placements never exceed a facility's free places.",
        "rule.co-defendant-separation": (
            "Co-defendants in one case never serve in the same facility."
        ),
        "rule.home-region-first": (
            "A convict serves in the home region unless it has no facility of the type "
            "or it is full."
        ),
        "rule.close-to-home": "Convicts are placed as close to home as possible.",
        "eligible": "Eligible facilities: {count} of {total}; excluded: {excluded}.",
        "excluded.item": "{count} by {rule}",
        "excluded.none": "none",
        "placed": (
            "Placed at {name} ({facility_id}), {region_name}, {distance_km:,.0f} km from home: the "
            "{rank}{rank_suffix} closest of {count} eligible facilities{home}."
        ),
        "placed.home": ", in the home region",
        "placed.away": ", outside the home region",
        "unplaced": "Not placed: {reason_text}",
        "reason.no-eligible-facility": (
            "no facility of security level {security_level} for a {sex_word} ({age_word})"
            "{need_short} exists in the network."
        ),
        "reason.eligible-facilities-full": "all {count} eligible facilities are full.",
        "reason.co-defendant-separation": (
            "every eligible facility with a free place already holds a co-defendant."
        ),
        "shortage": (
            "Shortage: {convicts} convicts of this class for {free} free places in their eligible "
            "facilities ({short} short)."
        ),
        "need_short": " with the {medical_need} profile",
        "closer.none": "No eligible facility is closer to home.",
        "closer.head": "Closer eligible facilities, and why not there:",
        "closer.line": (
            "- {name} ({facility_id}), {distance_km:,.0f} km: {state}; its {free_before} free "
            "places went to {used_by}. Moving this convict there would {forced}."
        ),
        "closer.full": "full",
        "closer.open": "not full",
        "used.item": "{convicts} from {region} (mean {mean_km:,.0f} km)",
        "used.none": "nobody in this run",
        "forced.km": "add {km:,.1f} km to the total distance",
        "forced.km_saved": "reduce the total distance by {km:,.1f} km",
        "forced.unplace": "leave {count} other convict(s) unplaced",
        "forced.away": "send {count} other convict(s) out of their home region",
        "forced.unknown": "need a re-solve to price",
        "forced.impossible": "be impossible: it has no place that anyone could free",
        "change.none_needed": (
            "Nothing would place this convict closer: no eligible facility is closer."
        ),
        "change.one_place": (
            "Smallest change: one more place at {name} ({facility_id}); this convict could then be "
            "placed there, changing the total distance by {km:+,.1f} km."
        ),
        "home.none": (
            "No facility of this type for a {sex_word} ({age_word}) exists in the home region "
            "{home_region_name}; serving there is not possible (Penal Code art. 88)."
        ),
        "home.full": "The home region's eligible facilities ({names}) are full.",
        "exact.potentials": "Figures are exact, from the optimal flow's potentials.",
        "exact.resolve": "Figures are exact, from re-solving the model.",
    },
    "ru": {
        "title": "Распределение осуждённого {convict_id}",
        "profile": (
            "Сведения: {sex_word}, возраст {age} ({age_word}), вид режима {security_level} "
            "назначен судом, место жительства: {home_region_name} ({home_region})"
            "{need}{officer}{case}."
        ),
        "sex.M": "мужчина",
        "sex.F": "женщина",
        "age.juvenile": "несовершеннолетний",
        "age.adult": "совершеннолетний",
        "need": ", нуждается в учреждении с профилем «{medical_need}»",
        "officer": ", бывший сотрудник правоохранительных органов",
        "case": ", соучастник по делу {case_id}",
        "rules": "Применённые правила:",
        "rule.line": "- {text} ({legal_source})",
        "rule.same-security-level": "Вид режима учреждения соответствует назначенному судом.",
        "rule.same-sex": "Мужчины и женщины отбывают наказание раздельно.",
        "rule.same-age-category": "Несовершеннолетние и взрослые отбывают наказание раздельно.",
        "rule.medical-profile": (
            "Осуждённый, нуждающийся в лечении, направляется в учреждение соответствующего профиля."
        ),
        "rule.former-officer-separation": (
            "Бывшие сотрудники правоохранительных органов содержатся только в учреждениях для них, "
            "и только они."
        ),
        "rule.capacity": "Новые распределения не превышают число свободных мест учреждения.",
        "rule.co-defendant-separation": (
            "Соучастники по одному делу не содержатся в одном учреждении."
        ),
        "rule.home-region-first": (
            "Наказание отбывается в области проживания, если там есть учреждение нужного вида "
            "и оно не переполнено."
        ),
        "rule.close-to-home": "Осуждённые размещаются как можно ближе к дому.",
        "eligible": "Подходящих учреждений: {count} из {total}; исключены: {excluded}.",
        "excluded.item": "{count} по правилу {rule}",
        "excluded.none": "нет",
        "placed": (
            "Направлен в {name} ({facility_id}), {region_name}, {distance_km:,.0f} км от дома: "
            "{rank}-е по близости из {count} подходящих учреждений{home}."
        ),
        "placed.home": ", в области проживания",
        "placed.away": ", за пределами области проживания",
        "unplaced": "Не распределён: {reason_text}",
        "reason.no-eligible-facility": (
            "в системе нет учреждения режима {security_level} для категории «{sex_word}, "
            "{age_word}»{need_short}."
        ),
        "reason.eligible-facilities-full": "все {count} подходящих учреждений заполнены.",
        "reason.co-defendant-separation": (
            "во всех подходящих учреждениях со свободными местами уже есть соучастник."
        ),
        "shortage": (
            "Нехватка: {convicts} осуждённых этой категории на {free} свободных мест в подходящих "
            "учреждениях (не хватает {short})."
        ),
        "need_short": " с профилем «{medical_need}»",
        "closer.none": "Более близких подходящих учреждений нет.",
        "closer.head": "Более близкие подходящие учреждения и почему не туда:",
        "closer.line": (
            "- {name} ({facility_id}), {distance_km:,.0f} км: {state}; его {free_before} свободных "
            "мест заняли: {used_by}. Перевод этого осуждённого туда {forced}."
        ),
        "closer.full": "заполнено",
        "closer.open": "не заполнено",
        "used.item": "{convicts} из {region} (в среднем {mean_km:,.0f} км)",
        "used.none": "никто в этом распределении",
        "forced.km": "увеличит суммарное расстояние на {km:,.1f} км",
        "forced.km_saved": "уменьшит суммарное расстояние на {km:,.1f} км",
        "forced.unplace": "оставит без места {count} других осуждённых",
        "forced.away": "отправит {count} других осуждённых за пределы их области",
        "forced.unknown": "требует пересчёта",
        "forced.impossible": "невозможен: там нет места, которое можно освободить",
        "change.none_needed": "Ближе разместить нельзя: более близких подходящих учреждений нет.",
        "change.one_place": (
            "Минимальное изменение: одно дополнительное место в {name} ({facility_id}); тогда "
            "осуждённого можно направить туда, суммарное расстояние изменится на {km:+,.1f} км."
        ),
        "home.none": (
            "В области проживания {home_region_name} нет учреждения этого вида для категории "
            "«{sex_word}, {age_word}»; отбывание там невозможно (ст. 88 УИК)."
        ),
        "home.full": "Подходящие учреждения области проживания ({names}) заполнены.",
        "exact.potentials": "Цифры точные: получены из потенциалов оптимального потока.",
        "exact.resolve": "Цифры точные: получены повторным решением модели.",
    },
}


def message(key: str, lang: str = "en", **fields: Any) -> str:
    """The catalogue text for `key` in `lang` (English when missing), filled with `fields`."""
    return translate(CATALOGUE, key, lang, **fields)


def messages(lang: str = "en") -> Translator:
    """The catalogue in `lang` (English when missing), for rendering many messages."""
    return translator(CATALOGUE, lang)

"""A campaign in words, in the reader's language (en, ru, kk): who may move, the limits, what
it achieves, the weeks it needs and what each week carries, the busiest journeys, and each home
region where someone moves. Facility and region names are the reader's (`name_ru`, `name_kk`).
"""

from __future__ import annotations

import pandas as pd

from optimizer.i18n import Translator, translator
from optimizer.transfers.campaign import CampaignResult
from optimizer.transfers.limits import CampaignScope
from optimizer.transfers.manifest import localised_names
from optimizer.transfers.messages import DOMAIN

BUSIEST_JOURNEYS = 5


def campaign_text(
    result: CampaignResult, regions: pd.DataFrame, facilities: pd.DataFrame, lang: str = "en"
) -> str:
    """The campaign's summary in `lang`, names from `regions` and `facilities`."""
    t = translator(DOMAIN, lang)
    lines = [*_head(result, t), *_limits(result, t), *_effect(result, t), *_weeks(result, t)]
    lines += _journeys(result, localised_names(facilities, "facility_id", lang), t)
    lines += _regions(result, localised_names(regions, "region", lang), t)
    return "\n".join(lines)


def _head(result: CampaignResult, t: Translator) -> list[str]:
    status = t("campaign.optimal") if result.optimal else t("campaign.not-proven")
    lines = [t("campaign.head", convicts=t.number(result.convicts), status=status)]
    if result.limits.scope is CampaignScope.EVERYONE:
        lines.append(t("campaign.scope.everyone"))
    else:
        lines.append(
            t(
                "campaign.scope.requests",
                movable=t.number(result.movable),
                requests=t.number(result.requests),
                consents=t.number(result.consents),
            )
        )
    return lines


def _limits(result: CampaignResult, t: Translator) -> list[str]:
    limits = result.limits
    lines = [t("campaign.limit.min", km=t.number(limits.min_saved_km))]
    if limits.max_moves is not None:
        lines.append(t("campaign.limit.cap", cap=t.number(limits.max_moves)))
    if limits.max_weeks is not None:
        lines.append(t("campaign.limit.horizon", weeks=t.number(limits.max_weeks)))
    if limits.escort_seats:
        seats = sum(limits.escort_seats.values())
        lines.append(t("campaign.limit.seats", seats=t.number(seats)))
    else:
        lines.append(t("campaign.limit.unlimited-seats"))
    return lines


def _effect(result: CampaignResult, t: Translator) -> list[str]:
    per_move = result.km_saved / result.moved if result.moved else 0.0
    return [
        t("campaign.moved", moved=t.number(result.moved)),
        t(
            "campaign.home",
            before=t.number(result.home_before),
            after=t.number(result.home_after),
            change=("+" if result.newly_home > 0 else "") + t.number(result.newly_home),
        ),
        t(
            "campaign.km",
            before=t.number(result.total_km_before),
            after=t.number(result.total_km_after),
            saved=t.number(result.km_saved),
            per_move=t.number(per_move),
        ),
        t(
            "campaign.places",
            free=t.number(result.into_free_places),
            freed=t.number(result.into_freed_places),
        ),
    ]


def _weeks(result: CampaignResult, t: Translator) -> list[str]:
    plan = result.plan
    if plan.weeks == 0:
        return [t("campaign.weeks.none")]
    fields = {"weeks": t.number(plan.weeks), "bound": t.number(plan.lower_bound)}
    if not plan.proven_minimal:
        lines = [t("campaign.weeks.unproven", **fields)]
    elif plan.weeks == plan.lower_bound:
        lines = [t("campaign.weeks.bound", **fields)]
    else:
        lines = [t("campaign.weeks.exact", **fields)]
    horizon = result.limits.max_weeks
    if horizon is not None and plan.weeks > horizon:
        lines.append(t("campaign.weeks.over-horizon", horizon=t.number(horizon)))
    if plan.unphased:
        lines.append(t("campaign.unphased", count=t.number(plan.unphased)))
    lines += ["", t("campaign.weeks.head")]
    lines += [
        t(
            "campaign.week.line",
            week=t.number(int(w["week"])),
            moves=t.number(int(w["moves"])),
            home=t.number(int(w["newly_home"])),
            km=t.number(float(w["km_saved"])),
        )
        for w in result.weeks.to_dict(orient="records")
    ]
    return lines


def _journeys(result: CampaignResult, names: dict[str, str], t: Translator) -> list[str]:
    if result.moves.empty:
        return []
    counts = (
        result.moves.groupby(["from_facility", "to_facility"], sort=True)
        .size()
        .sort_values(ascending=False, kind="stable")
        .head(BUSIEST_JOURNEYS)
    )
    return [
        "",
        t("campaign.journeys.head"),
        *(
            t(
                "campaign.journey.line",
                from_name=names.get(a, a),
                from_id=a,
                to_name=names.get(b, b),
                to_id=b,
                count=t.number(int(n)),
            )
            for a, b, n in zip(
                counts.index.get_level_values(0).astype(str),
                counts.index.get_level_values(1).astype(str),
                counts.to_numpy(),
                strict=True,
            )
        ),
    ]


def _regions(result: CampaignResult, names: dict[str, str], t: Translator) -> list[str]:
    moved = result.by_region[result.by_region["moved"] > 0]
    if moved.empty:
        return []
    return [
        "",
        t("campaign.regions.head"),
        *(
            t(
                "campaign.region.line",
                name=names.get(str(g["region"]), str(g["region"])),
                region=g["region"],
                before=t.number(int(g["home_before"])),
                after=t.number(int(g["home_after"])),
                moves=t.number(int(g["moved"])),
                km=t.number(float(g["km_saved"])),
            )
            for g in moved.to_dict(orient="records")
        ),
    ]

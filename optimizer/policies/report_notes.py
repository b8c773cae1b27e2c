"""The report's closing notes: what each policy changes, and how the figures were made."""

from __future__ import annotations

from optimizer.policies.benchmark import BenchmarkResult
from optimizer.policies.policy import Policy
from optimizer.policies.words import ReportWords


def source_key(result: BenchmarkResult) -> str:
    """Where the standing population came from, as a catalogue key's last part."""
    return "file" if result.population_source == "population file" else "synthetic"


def policy_line(policy: Policy, w: ReportWords) -> str:
    changes = [
        w(
            "change.merge",
            levels=" + ".join(w.level(lv.value) for lv in merge.levels),
            label=w.level(merge.label.value),
        )
        for merge in policy.merges
    ]
    if policy.closures:
        changes.append(w("change.close", ids=", ".join(policy.closures)))
    for change in policy.capacity_changes:
        target = ", ".join(w.level(lv.value) for lv in change.levels) or ", ".join(
            change.facility_ids
        )
        changes.append(w("change.capacity", factor=w.number(change.factor, 2), target=target))
    if policy.additions is not None:
        changes.append(w("change.add", ids=", ".join(policy.additions["facility_id"])))
    title = w.title(policy.name)
    text = f"**{title}**"
    description = policy.description_in(w.lang.value)
    if description and description != title:
        text += f". {description}"
    if changes:
        return text + " " + w("policy.changes", changes="; ".join(changes))
    return text + " " + w("policy.no_change")


def method_notes(result: BenchmarkResult, w: ReportWords) -> tuple[str, ...]:
    s = result.settings
    separation = "applied" if s.separate_co_defendants else "cleared"
    return (
        w("method.allocation", objective=w(f"objective.{s.objective.value}")),
        w("method.merger"),
        w("method.closure"),
        w(f"method.steady.{source_key(result)}"),
        w("method.flow"),
        w("method.shares", distance=w(f"distance.{s.distance.value}")),
        w("method.rail", km_per_day=w.km(s.km_per_day)),
        w(f"method.separation.{separation}"),
        w("method.intervals"),
    )

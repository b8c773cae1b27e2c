"""Explanations of an allocation: why this facility, why not a closer one, what would change it."""

from optimizer.explain.build import (
    explain_all,
    explain_convict,
    explain_placement,
    explain_placements,
)
from optimizer.explain.document import read_explanation
from optimizer.explain.explanation import (
    SCHEMA,
    Change,
    ChangeKind,
    CloserFacility,
    Effect,
    Eligibility,
    Explanation,
    HomeRegion,
    NoChange,
    NoRoom,
    OneMorePlace,
    Placement,
    Profile,
    RegionUse,
    RuleEntry,
    Shortage,
    SmallestChange,
    Unplaced,
    as_documents,
)
from optimizer.explain.facts import SolutionFacts, facts_of, run_facts
from optimizer.explain.render import render_explanation

__all__ = [
    "SCHEMA",
    "Change",
    "ChangeKind",
    "CloserFacility",
    "Effect",
    "Eligibility",
    "Explanation",
    "HomeRegion",
    "NoChange",
    "NoRoom",
    "OneMorePlace",
    "Placement",
    "Profile",
    "RegionUse",
    "RuleEntry",
    "Shortage",
    "SmallestChange",
    "SolutionFacts",
    "Unplaced",
    "as_documents",
    "explain_all",
    "explain_convict",
    "explain_placement",
    "explain_placements",
    "facts_of",
    "read_explanation",
    "render_explanation",
    "run_facts",
]

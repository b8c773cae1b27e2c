"""Explanations of an allocation: why this facility, why not a closer one, what would change it."""

from optimizer.explain.explanation import (
    explain_all,
    explain_convict,
    render_explanation,
    run_facts,
)

__all__ = ["explain_all", "explain_convict", "render_explanation", "run_facts"]

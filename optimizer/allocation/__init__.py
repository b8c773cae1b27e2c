"""Allocation of newly sentenced convicts: groups, the min-cost flow, co-defendants, summaries."""

from optimizer.allocation.blocks import ClassBlock
from optimizer.allocation.solve import Solution, solve, split_cost
from optimizer.allocation.summary import Summary, summarize

__all__ = ["ClassBlock", "Solution", "Summary", "solve", "split_cost", "summarize"]

"""The report's notes: each policy's changes and the method, in the report's language."""

from __future__ import annotations

from optimizer.policies import BenchmarkResult
from optimizer.policies.report_notes import method_notes, policy_line
from optimizer.policies.words import report_words
from tests.optimizer.policies.helpers import MERGE, policy
from tests.reading import assert_reads_in


def test_a_policys_changes_name_the_levels_in_the_language() -> None:
    merge = policy({**MERGE, "title_ru": "Объединение"})
    line = policy_line(merge, report_words("ru", None, [merge]))
    assert line.startswith("**Объединение**")
    assert "средней безопасности + максимальной безопасности" in line
    assert_reads_in(line, "ru")


def test_the_method_says_what_the_intervals_cover(merger_benchmark: BenchmarkResult) -> None:
    notes = method_notes(merger_benchmark, report_words("kk"))
    assert len(notes) == 9
    assert_reads_in("\n".join(notes), "kk")
    english = method_notes(merger_benchmark, report_words("en"))
    assert "cover sampling of the population only" in english[-1]

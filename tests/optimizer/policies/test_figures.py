"""Figures: every figure of a benchmark drawn and saved as PNG, paths relative to the report."""

from __future__ import annotations

from pathlib import Path

from optimizer.i18n import translator
from optimizer.policies import BenchmarkResult, Mode
from optimizer.policies.figures import distance_figure, draw_figures, save_figure
from optimizer.policies.words import ReportWords, report_words
from tests.reading import assert_reads_in


def test_draw_figures_names_every_figure_relative_to_the_report(
    tmp_path: Path, merger_benchmark: BenchmarkResult
) -> None:
    paths = draw_figures(merger_benchmark, tmp_path / "figures")
    assert paths["home-share"] == "figures/home-share.png"
    assert set(paths) == {
        "home-share",
        "distance-steady-state",
        "distance-flow",
        "map-steady-state-baseline",
        "map-steady-state-merge-medium-maximum",
        "map-flow-baseline",
        "map-flow-merge-medium-maximum",
    }
    for path in paths.values():
        assert (tmp_path / path).read_bytes()[:4] == b"\x89PNG"


def test_distance_figure_draws_one_line_per_policy_over_all_seeds_and_saves_atomically(
    tmp_path: Path, merger_benchmark: BenchmarkResult
) -> None:
    runs = [r for r in merger_benchmark.runs if r.mode is Mode.FLOW]
    titles = {"baseline": "Today's network", "merge-medium-maximum": "Merged"}
    figure = distance_figure(runs, Mode.FLOW, ReportWords(translator("policies", "en"), {}, titles))
    axes = figure.axes[0]
    assert len(axes.get_lines()) == 2, "one line per policy, every seed pooled"
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend[0].startswith("Today's network: ") and "beyond 1,000 km" in legend[0]
    assert axes.get_xlim() == (0.0, 1000.0)
    assert axes.get_title()
    written = save_figure(figure, tmp_path / "d.png")
    assert written == str(tmp_path / "d.png")
    assert [p.name for p in tmp_path.iterdir()] == ["d.png"], "no temporary file left"


def test_distance_figure_in_russian_has_no_english_word(merger_benchmark: BenchmarkResult) -> None:
    """Title, axes and legend in Russian, numbers as Russian writes them."""
    runs = [r for r in merger_benchmark.runs if r.mode is Mode.FLOW]
    words = report_words("ru", merger_benchmark.regions, merger_benchmark.policies)
    axes = distance_figure(runs, Mode.FLOW, words).axes[0]
    texts = [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]
    texts += [t.get_text() for t in axes.get_legend().get_texts()]
    assert "1\u00a0000 км" in texts[1], "the Russian group separator"
    assert_reads_in("\n".join(texts), "ru", [p.name for p in merger_benchmark.policies])

"""The uncertainty section: each range labelled with what it covers, in each language."""

from __future__ import annotations

import pytest

from optimizer.data import DATA_DIR
from optimizer.domain import SolveOptions
from optimizer.policies.markup import Paragraph, Table, render_markdown
from optimizer.policies.uncertainty import measure_uncertainty
from optimizer.policies.uncertainty_report import uncertainty_blocks
from optimizer.policies.words import report_words
from tests.optimizer.policies.forecast_helpers import standing_population
from tests.optimizer.policies.helpers import MERGE, policy, small_network
from tests.reading import assert_reads_in


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_both_ranges_say_what_they_cover(lang: str) -> None:
    policies = [policy({"name": "baseline"}), policy({**MERGE, "name": "merge"})]
    uncertainty = measure_uncertainty(
        policies,
        "baseline",
        standing_population(8),
        small_network(),
        SolveOptions(),
        DATA_DIR,
        resamples=4,
        band=0.2,
    )
    titles = {"ru": ("Сегодня", "Слияние"), "kk": ("Бүгін", "Біріктіру"), "en": ("Today", "Merged")}
    words = report_words(lang)
    words = type(words)(words.t, {}, dict(zip(["baseline", "merge"], titles[lang], strict=True)))
    blocks = uncertainty_blocks(uncertainty, words)
    assert [type(b) for b in blocks[1:]] == [Paragraph, Table, Paragraph, Table]
    text = render_markdown(blocks)
    assert words.t.plural("uncertainty.bootstrap", 4, seconds="", low="", high="")[:20] in text
    assert_reads_in(text, lang, ["bootstrap", "facility_sources.csv"])

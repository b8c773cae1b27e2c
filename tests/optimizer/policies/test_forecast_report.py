"""The forecast report: unplaced first, in each language, with its figures and maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.data import read_regions
from optimizer.i18n import translator
from optimizer.policies.forecast import ForecastInputs, run_forecast
from optimizer.policies.forecast_report import write_forecast_report
from tests.optimizer.policies.forecast_helpers import scenario, standing_population
from tests.optimizer.policies.helpers import policy, small_network
from tests.reading import assert_reads_in

TITLES = {
    "title": "Small test",
    "title_ru": "Малый пример",
    "title_kk": "Шағын мысал",
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_forecast_report_reads_in_its_language(tmp_path: Path, lang: str) -> None:
    """Unplaced first; titles, sexes, levels and regions in the language; no Latin word but
    ids in Russian and Kazakh; the page's `lang`; the region maps drawn."""
    cut = policy(
        {
            "name": "cut",
            "title": "Fewer places",
            "title_ru": "Меньше мест",
            "title_kk": "Орын азырақ",
            "capacity": [{"levels": ["medium", "maximum"], "factor": 0.3}],
        }
    )
    inputs = ForecastInputs(read_regions(), small_network(), standing_population(6))
    forecast = run_forecast(scenario(TITLES), cut, inputs, years=2, seed=1)
    written = write_forecast_report(forecast, tmp_path, lang=lang)
    folder = tmp_path / "test--cut"
    assert folder / "figures" / "regions-unplaced.png" in written
    assert (folder / "figures" / "regions-away.png").read_bytes()[:4] == b"\x89PNG"
    text = (folder / "index.md").read_text(encoding="utf-8")
    t = translator("policies", lang)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## " + t("unplaced.heading")
    title = {"en": "Fewer places", "ru": "Меньше мест", "kk": "Орын азырақ"}[lang]
    assert title in text.splitlines()[0]
    assert t("figure.caption.regions-away") in text
    assert f'<html lang="{lang}">' in (folder / "index.html").read_text(encoding="utf-8")
    identifiers = set(read_regions()["region"]) | set(small_network()["facility_id"])
    identifiers |= {str(path.relative_to(folder)) for path in written}  # the figures' links
    assert_reads_in(text, lang, identifiers)

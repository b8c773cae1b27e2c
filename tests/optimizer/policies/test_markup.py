"""Report blocks rendered as Markdown and as HTML: structure, escaping, inline spans."""

from __future__ import annotations

import pandas as pd

from optimizer.policies.markup import (
    Block,
    Bullets,
    Figure,
    Heading,
    Paragraph,
    Table,
    render_html,
    render_markdown,
)

BLOCKS: list[Block] = [
    Heading("Report", 1),
    Paragraph("Policy `merge` is **better** <sometimes>"),
    Bullets(("one", "two")),
    Table(pd.DataFrame({"policy": ["a|b"], "placed": ["1,000"]})),
    Figure("figures/x.png", "A & B"),
]


def test_markdown_renders_each_block_separated_by_blank_lines() -> None:
    assert render_markdown(BLOCKS) == (
        "# Report\n\n"
        "Policy `merge` is **better** <sometimes>\n\n"
        "- one\n- two\n\n"
        "| policy | placed |\n|---|---:|\n| a\\|b | 1,000 |\n\n"
        "![A & B](figures/x.png)\n\n*A & B*\n"
    )


def test_html_escapes_text_and_turns_code_and_bold_into_tags() -> None:
    page = render_html(BLOCKS, "T <1>")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>\n")
    assert "<title>T &lt;1&gt;</title>" in page
    assert "<h1>Report</h1>" in page
    assert "<p>Policy <code>merge</code> is <strong>better</strong> &lt;sometimes&gt;</p>" in page
    assert "<ul><li>one</li><li>two</li></ul>" in page
    assert "<thead><tr><th>policy</th><th>placed</th></tr></thead>" in page
    assert "<tbody><tr><td>a|b</td><td>1,000</td></tr></tbody>" in page
    assert '<img src="figures/x.png" alt="A &amp; B"><figcaption>A &amp; B</figcaption>' in page

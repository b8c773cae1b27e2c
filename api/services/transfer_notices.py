"""Notices of a decision as documents: HTML (Jinja2) and PDF (fpdf2, with the DejaVu Sans font
shipped in `api/fonts` beside its licence, so Cyrillic and Kazakh letters print on any machine).

The words are the engine's (`optimizer.transfers.build_notice`); this module only lays them out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from fpdf import FPDF
from jinja2 import Environment, select_autoescape

from optimizer.transfers import Notice

FONTS = Path(__file__).resolve().parent.parent / "fonts"
"""DejaVu Sans (Bitstream Vera licence, `api/fonts/LICENSE`)."""

_HTML = Environment(autoescape=select_autoescape(default=True)).from_string(
    """<!DOCTYPE html>
<html lang="{{ notice.lang }}">
<head>
<meta charset="utf-8">
<title>{{ notice.title }}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 42rem; margin: 2rem auto;
       line-height: 1.5; color: #111; }
h1 { font-size: 1.3rem; }
</style>
</head>
<body>
<article>
<h1>{{ notice.title }}</h1>
{% for paragraph in notice.paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}</article>
</body>
</html>
"""
)


class NoticeFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


FORMATS = (NoticeFormat.HTML, NoticeFormat.PDF)
MEDIA_TYPES = {NoticeFormat.HTML: "text/html; charset=utf-8", NoticeFormat.PDF: "application/pdf"}


@dataclass(frozen=True, slots=True)
class NoticeDocuments:
    html: str
    pdf: bytes


def notice_documents(notice: Notice, day: datetime.date) -> NoticeDocuments:
    """The notice as an HTML page and a PDF dated `day` (the same notice gives the same bytes)."""
    return NoticeDocuments(_HTML.render(notice=notice), _pdf(notice, day))


def _pdf(notice: Notice, day: datetime.date) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.datetime.combine(day, datetime.time(), datetime.UTC))
    pdf.set_title(notice.title)
    pdf.set_lang(notice.lang)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, notice.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 11)
    for paragraph in notice.paragraphs:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())

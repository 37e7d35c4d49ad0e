"""Drawing a `core.invoices.document.Document` with fpdf2 and the DejaVu Sans font shipped in
integrations/fonts (Cyrillic and Latin; its licence is beside it). Imported only when a PDF
is drawn (`integrations.pdf`): fpdf2 imports numpy whenever it is installed (~18 MB)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from core.invoices.document import Document, Heading, Images, Pairs, Paragraph, Table

FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVu"
THUMB_MM = 40  # a photo's thumbnail: at most this wide and high
THUMB_PX = 480  # and at most this many pixels: a phone's photo is scaled down first
log = logging.getLogger(__name__)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=7)
        self.cell(0, 5, f"{self.footer_text}  {self.page_no()}/{{nb}}", align="R")


def render(document: Document) -> bytes:
    """The document as PDF bytes."""
    pdf = _Pdf(format="A4")
    pdf.footer_text = document.footer
    pdf.set_title(document.title)
    pdf.set_creator("AstraCRM")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 8, document.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for block in document.blocks:
        if isinstance(block, Heading):
            pdf.ln(2)
            pdf.set_font(FAMILY, "B", 11)
            pdf.multi_cell(0, 6, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Paragraph):
            pdf.set_font(FAMILY, "B" if block.bold else "", 9)
            pdf.multi_cell(0, 5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif isinstance(block, Pairs):
            _pairs(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            _images(pdf, block)
    return bytes(pdf.output())


def _pairs(pdf: FPDF, block: Pairs) -> None:
    pdf.set_font(FAMILY, size=9)
    with pdf.table(
        col_widths=(1, 2), first_row_as_headings=False, borders_layout="NONE", line_height=5
    ) as table:
        for label, value in block.rows:
            row = table.row()
            row.cell(label)
            row.cell(value)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FAMILY, size=8)
    aligns = tuple("RIGHT" if i in block.numeric else "LEFT" for i in range(len(block.header)))
    with pdf.table(col_widths=block.widths, text_align=aligns, line_height=5) as table:
        for cells in (block.header, *block.rows):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(1)


def _images(pdf: FPDF, block: Images) -> None:
    if block.caption:
        pdf.set_font(FAMILY, size=9)
        pdf.multi_cell(0, 5, block.caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    x, y = pdf.l_margin, pdf.get_y()
    for data in block.images:
        if x + THUMB_MM > pdf.w - pdf.r_margin:
            x, y = pdf.l_margin, y + THUMB_MM + 2
        if y + THUMB_MM > pdf.h - pdf.b_margin:
            pdf.add_page()
            x, y = pdf.l_margin, pdf.get_y()
        try:
            picture = Image.open(io.BytesIO(data))
            picture.thumbnail((THUMB_PX, THUMB_PX))
            pdf.image(picture, x=x, y=y, w=THUMB_MM, h=THUMB_MM, keep_aspect_ratio=True)
        except Exception as exc:  # noqa: BLE001 - a photo that is not an image is left out
            log.warning("report photo skipped: %s", type(exc).__name__)
            continue
        x += THUMB_MM + 2
    pdf.set_y(y + THUMB_MM + 2)

"""PDF documents with fpdf2 (pure Python) and the DejaVu Sans font shipped in
integrations/fonts, for invoices and service reports (`core.invoices.document.DocumentRenderer`).

fpdf2 is imported on the first PDF (`integrations.pdf_draw`), not when a process starts:
fpdf2 imports numpy whenever it is installed, and numpy (there for natasha) adds ~18 MB to
every process that imports it.
"""

from __future__ import annotations

from core.invoices.document import Document


class FpdfRenderer:
    def render(self, document: Document) -> bytes:
        from integrations.pdf_draw import render

        return render(document)

"""The page layout shared by the governance PDFs: A4, DejaVu Sans, header, "Page X of Y"."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.fonts import TTFFont

from pactum.core.cells import iso_time

FAMILY = "dejavu"
# Stands for the page count until the document is closed; no cleaned text contains it
# (private-use characters are removed from what is rendered).
PAGE_COUNT = "\uf8ff"
CELL_LINES = 6
CELL_CHARS = 300
REPLACEMENT = "\ufffd"
BODY = 9.5
SMALL = 8
LINE = 4.6
GREY = (110, 110, 110)
INK = (20, 20, 20)
RED = (160, 30, 30)
GREEN = (20, 110, 50)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(232, 236, 241))
# Removed from rendered text: controls, invisible format marks, surrogates, private use.
DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@functools.cache
def font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, as shipped with matplotlib (a dependency)."""
    import matplotlib  # at call time: the import is slow and only PDFs need it

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise RuntimeError(f"font {path.name} is missing from matplotlib's data")
    return regular, bold


def utc_text(moment: datetime) -> str:
    """A moment as ISO-8601 date and time in UTC, ``2027-01-10 14:03:22 UTC``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso_time(moment) + " UTC"


def table_time(moment: datetime) -> str:
    """A moment in UTC for a column headed "(UTC)": ``2027-01-10 14:03:22``."""
    return utc_text(moment).removesuffix(" UTC")


class DocumentPdf(FPDF):
    """An A4 document with an identity header and a "Page X of Y" footer."""

    def __init__(self, *, identity: str, footnote: str, created: datetime) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        regular, bold = font_files()
        self.add_font(FAMILY, "", str(regular))
        self.add_font(FAMILY, "B", str(bold))
        fonts = [self.fonts[FAMILY], self.fonts[FAMILY + "B"]]
        maps = [set(font.cmap) if isinstance(font, TTFFont) else set() for font in fonts]
        self._glyphs = maps[0] & maps[1]
        self.identity = identity
        self.footnote = footnote
        self.set_creation_date(created if created.tzinfo else created.replace(tzinfo=UTC))
        self.set_creator("Pactum")
        self.alias_nb_pages(PAGE_COUNT)
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_text_color(*INK)

    def clean(self, text: str, *, multiline: bool = False) -> str:
        """Text the font can show: glyphs it lacks become U+FFFD, controls are removed."""
        text = unicodedata.normalize("NFC", str(text))
        for newline in ("\r\n", "\r", "\u2028", "\u2029", "\x85"):
            text = text.replace(newline, "\n")
        text = text.replace("\t", "    ")
        if not multiline:
            text = text.replace("\n", " ")
        out = []
        for char in text:
            if char == "\n":
                out.append(char)
            elif unicodedata.category(char) not in DROPPED:
                out.append(char if ord(char) in self._glyphs else REPLACEMENT)
        return "".join(out)

    def cell_text(self, text: str) -> str:
        """Text of a table cell, cut to what one row of a page holds: at most
        ``CELL_LINES`` lines and ``CELL_CHARS`` characters (a row taller than a page
        cannot be drawn; the full text is in the sections above the tables)."""
        lines = self.clean(text, multiline=True).split("\n")
        cut = "\n".join(lines[:CELL_LINES])
        if len(cut) > CELL_CHARS:
            cut = cut[: CELL_CHARS - 1].rstrip()
        return cut + ("…" if cut != "\n".join(lines) else "")

    def _fit(self, text: str, width: float) -> str:
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def header(self) -> None:
        """The document's identity on every page."""
        self.set_font(FAMILY, "", SMALL)
        self.set_text_color(*GREY)
        self.cell(0, 4, self._fit(self.clean(self.identity), self.epw), new_x="LMARGIN")
        self.ln(4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(*INK)

    def footer(self) -> None:
        """The generation time and "Page X of Y" on every page."""
        self.set_y(-13)
        self.set_font(FAMILY, "", SMALL)
        self.set_text_color(*GREY)
        half = self.epw / 2
        self.cell(half, 4, self._fit(self.clean(self.footnote), half - 2))
        self.cell(half, 4, f"Page {self.page_no()} of {PAGE_COUNT}", align="R")
        self.set_text_color(*INK)

    def title_block(self, kicker: str, title: str) -> None:
        """A small label above a large bold title."""
        self.set_font(FAMILY, "B", SMALL)
        self.set_text_color(*GREY)
        self.multi_cell(0, 4, self.clean(kicker.upper()), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)
        self.set_font(FAMILY, "B", 16)
        self.multi_cell(
            0, 7.5, self.clean(title) or "(untitled)", new_x="LMARGIN", new_y="NEXT", align="L"
        )
        self.ln(2)

    def heading(self, text: str, size: float = 12, *, keep: float = 12) -> None:
        """A section heading, moved to the next page unless ``keep`` mm follow it there."""
        if self.will_page_break(size + keep):
            self.add_page()
        self.ln(3)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(1.5)
        self.set_font(FAMILY, "", BODY)

    def fields(self, pairs: Sequence[tuple[str, str]], *, size: float = BODY) -> None:
        """Label and value lines, the labels bold in a narrow column."""
        for label, value in pairs:
            self.set_font(FAMILY, "B", BODY)
            self.cell(42, LINE, self.clean(label))
            self.set_font(FAMILY, "", size)
            self.multi_cell(
                0, LINE, self.clean(value) or "—", new_x="LMARGIN", new_y="NEXT", align="L"
            )

    def paragraph(self, text: str, *, size: float = BODY, bold: bool = False) -> None:
        """A wrapped paragraph (keeps its line breaks)."""
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(
            0, LINE, self.clean(text, multiline=True), new_x="LMARGIN", new_y="NEXT", align="L"
        )

    def bullets(self, lines: Sequence[str], *, numbered: bool = False) -> None:
        """A bulleted (or numbered) list, each entry wrapped under its marker."""
        self.set_font(FAMILY, "", BODY)
        for number, line in enumerate(lines, 1):
            self.cell(6, LINE, f"{number}." if numbered else "•")
            self.multi_cell(
                0, LINE, self.clean(line, multiline=True), new_x="LMARGIN", new_y="NEXT", align="L"
            )

    def grid(
        self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A table with a shaded heading row, repeated when it runs onto another page."""
        self.set_font(FAMILY, "", SMALL + 0.5)
        with self.table(
            col_widths=tuple(widths),
            headings_style=HEADINGS,
            line_height=4.2,
            text_align="LEFT",
            padding=1.2,
            width=self.epw,
        ) as table:
            for row in (headings, *rows):
                cells = table.row()
                for value in row:
                    cells.cell(self.cell_text(value))
        self.set_font(FAMILY, "", BODY)
        self.ln(1)

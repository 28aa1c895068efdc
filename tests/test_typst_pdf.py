"""The Typst PDF writer, on the hand-built sample trees and small inline ones, read back with
pikepdf and poppler: tagged PDF/UA-1 in sv-SE with its title shown, bookmarks, figures with their
alternative text, header cells tagged TH, "SID n (N)" footers, every font embedded and shipped,
data printed as typed (never run as Typst code), the same bytes twice, PDF/A-2b on request.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from snplan.output.package import load_reference
from snplan.output.typst import Fonts, PageSetup, TypstPdfError, build, write
from snplan.output.typst.coverage import Printable, characters
from snplan.output.typst.serialise import document_json
from snplan.output.typst.setup import SHIPPED, shipped_directory, system_fonts
from snplan.tree import (
    Cell,
    Column,
    Contents,
    Cover,
    Document,
    Figure,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Row,
    Section,
    Table,
    Text,
)

from . import tree_samples as samples
from .conftest import ROOT

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
if not POPPLER and os.environ.get("CI"):  # .ci/run installs poppler-utils: missing is a fault
    pytest.fail("poppler-utils (pdftotext, pdffonts) is not installed", pytrace=False)
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")

HOSTILE = ('#read("/etc/passwd") #set page(width: 1cm) $x^2$ *fet* _kursiv_ <etikett> @ref '
           '\\ back\\slash ] [ #{1+1} // kommentar /* */ `kod` = rubrik')


# ---------------------------------------------------------------------------------- helpers


def struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, in document order."""
    def walk(node: object) -> Iterator[pikepdf.Dictionary]:
        if isinstance(node, pikepdf.Array):
            for child in node:
                yield from walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                yield from walk(node.K)
    yield from walk(pdf.Root.StructTreeRoot.K)


def opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(e.S) for e in struct_elements(pdf)]


def bookmarks(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
        for item in items:
            out.append((depth, item.title))
            walk(item.children, depth + 1)
    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return out


def pages_text(path: Path) -> list[str]:
    """The text of each page, as poppler reads it."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    return text.split("\f")[:-1]


def saved(tmp_path: Path, data: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def xmp(pdf: pikepdf.Pdf) -> str:
    return bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8")


def one_section(*blocks: object, title: str = "Kapitel") -> Document:
    return Document(samples.META, (Section((Text(title),), 1, tuple(blocks)),))  # type: ignore[arg-type]


def cell(text: str) -> Cell:
    return Cell(lines=((Text(text),),), value=text)


@pytest.fixture(scope="module")
def compiled() -> dict[str, bytes]:
    """Each sample tree compiled once for the module (and checked for warnings)."""
    out = {}
    for name in ("report", "memo", "protocol"):
        result = build(getattr(samples, name)())
        assert result.warnings == (), result.warnings
        out[name] = result.pdf
    return out


@pytest.fixture(scope="module")
def files(compiled: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("typst")
    return {name: saved(folder, data, f"{name}.pdf") for name, data in compiled.items()}


# ---------------------------------------------------------------------------------- PDF/UA


@pytest.mark.parametrize("name", ["report", "memo", "protocol"])
def test_every_sample_is_tagged_pdf_ua_in_swedish_with_its_title(
        compiled: dict[str, bytes], name: str) -> None:
    with opened(compiled[name]) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "sv-SE"
        assert str(pdf.docinfo.Title) == samples.META.title
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Author) == samples.META.author
        assert str(pdf.docinfo.Subject) == samples.META.subject
        meta = xmp(pdf)
        assert "<pdfuaid:part>1</pdfuaid:part>" in meta
        assert "pdfaid:part" not in meta  # PDF/A only for the archive
        assert f"<rdf:li xml:lang=\"x-default\">{samples.META.title}</rdf:li>" in meta
        assert "H1" in " ".join(tags(pdf))


def test_the_dates_are_the_documents_own_and_two_compiles_give_the_same_bytes(
        compiled: dict[str, bytes]) -> None:
    again = write(samples.report())
    assert again == compiled["report"]
    with opened(again) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20240201120000")
        assert "2024-02-01T12:00:00" in xmp(pdf)
    later = replace(samples.report(),
                    meta=replace(samples.META, timestamp=dt.datetime(2025, 3, 4, 5, 6, 7)))
    with opened(write(later)) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20250304050607")


def test_headings_are_bookmarks_and_the_contents_list_them_with_pages(
        compiled: dict[str, bytes], files: dict[str, Path]) -> None:
    with opened(compiled["report"]) as pdf:
        assert bookmarks(pdf) == [
            (1, "Förvaltningsberättelse"), (2, "Sammanfattning"), (2, "Ekonomisk analys"),
            (1, "Verksamhetsmått"), (2, "Hushåll med bistånd"), (1, "Underskrifter")]
        assert {"/TOC", "/TOCI"} <= set(tags(pdf))
    if POPPLER:
        pages = pages_text(files["report"])
        contents = next(p for p in pages if "Innehållsförteckning" in p)
        for heading in ("Förvaltningsberättelse", "Verksamhetsmått", "Underskrifter"):
            line = next(x for x in contents.splitlines() if heading in x)
            number = int(re.sub(r"\D", "", line.rsplit(" ", 1)[-1]))
            assert heading in pages[number - 1].split("Innehållsförteckning")[-1]


def test_figures_carry_the_trees_alternative_text(compiled: dict[str, bytes]) -> None:
    with opened(compiled["report"]) as pdf:
        figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [samples.chart().alt]
        assert "/Caption" in tags(pdf)


def test_table_header_cells_are_tagged_th_and_hidden_columns_are_left_out(
        compiled: dict[str, bytes], files: dict[str, Path]) -> None:
    with opened(compiled["report"]) as pdf:
        elements = list(struct_elements(pdf))
        tables = [e for e in elements if e.S == "/Table"]
        assert len(tables) == 2
        heads = [e for e in elements if e.S == "/THead"]
        assert len(heads) == 2
        first_head_cells = [e for e in struct_elements_of(heads[0]) if e.S == "/TH"]
        visible = samples.income_statement().visible
        assert len(first_head_cells) == len(visible) == 5
        assert all(e.S != "/TH" for e in elements if e.S == "/TD")
    if POPPLER:
        text = "\n".join(pages_text(files["report"]))
        assert "Resultaträkning (mkr)" in text and "% 23/22" in text
        assert "27,9" not in text and "131,0" not in text  # the hidden column "2022"


def struct_elements_of(node: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from struct_elements_of(kid)


def test_lists_and_links_are_tagged(compiled: dict[str, bytes]) -> None:
    with opened(compiled["report"]) as pdf:
        found = tags(pdf)
        assert found.count("/L") == 3 and "/LI" in found and "/Link" in found
        links = [a for page in pdf.pages for a in page.get("/Annots", [])
                 if a.get("/Subtype") == "/Link" and "/A" in a and "/URI" in a.A]
        assert [str(a.A.URI) for a in links] == ["https://www.solna.se"]


# ---------------------------------------------------------------------------------- pages


@needs_poppler
def test_the_cover_has_no_header_and_the_other_pages_say_sid_n_of_n(
        files: dict[str, Path]) -> None:
    pages = pages_text(files["report"])
    assert len(pages) == 4
    assert "SID" not in pages[0] and "SOLNA STAD" not in pages[0]
    assert "Årsredovisning 2023" in pages[0] and "Diarienummer SN/2024:12" in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"SID {number} (4)" in page
        assert "SOLNA STAD" in page and "Socialförvaltningen · Årsredovisning" in page
    memo = pages_text(files["memo"])
    assert "SID 1 (1)" in memo[0]


@needs_poppler
def test_the_report_prints_its_prose_table_notes_lists_and_signatures_in_order(
        files: dict[str, Path]) -> None:
    text = "\n".join(pages_text(files["report"])[2:])
    order = ["Nettokostnaden uppgår till 104,3 mkr", "<script>&amp;.", "ett", "under",
             "3. tre", "Före tabellen.", "Bidrag <b>&amp;</b> =SUM(A1)",
             "Verksamhetens nettokostnader", "Budgetavvikelse = 2023 − Budget.",
             "Beloppen är avrundade var för sig.", "Efter tabellen.", "Figur 1. Ekonomiskt bistånd",
             "Anna Ek", "Förvaltningschef", "Tf. controller"]
    at = 0
    for part in order:
        at = text.index(part, at) + len(part)


@needs_poppler
def test_the_memo_and_protocol_print_their_heads_signatures_and_roles(
        files: dict[str, Path]) -> None:
    memo = pages_text(files["memo"])[0]
    for line in ("Tjänsteskrivelse", "Socialförvaltningen", "SN/2024:12",
                 "Årsredovisning 2023", "Förslag till beslut", "Beslutet expedieras till:",
                 "Kommunstyrelsen", "Anna Ek"):
        assert line in memo
    protocol = pages_text(files["protocol"])[0]
    for line in ("Förhandlingsprotokoll MBL § 11", "Ärende: Reviderad verksamhetsplan 2022",
                 "Plats: Solna stadshus", "Protokollsanteckning: Vision.", "För arbetsgivaren",
                 "För arbetstagarorganisationerna", "Bo Berg", "Rad ett", "Rad två"):
        assert line in protocol


def test_a_table_too_wide_for_portrait_goes_on_a_landscape_page_with_its_heading(
        tmp_path: Path) -> None:
    columns = (Column("", "Verksamhet"),) + tuple(
        Column(f"k{i}", f"Utfall­prognos {2010 + i}", "number", "right") for i in range(14))
    rows = tuple(Row(f"r{j}", "", (cell(f"Enhet {j}"),)
                     + tuple(cell(f"{j * 1000 + i}") for i in range(14))) for j in range(3))
    document = Document(samples.META, (
        Section((Text("Smal"),), 1, (Paragraph((Text("Stående sida."),)),)),
        Section((Text("Bred tabell"),), 1, (Table("bred", columns, rows),
                                            Paragraph((Text("Efter."),)))),
    ))
    data = write(document)
    with opened(data) as pdf:
        boxes = [[float(x) for x in page.MediaBox] for page in pdf.pages]
    assert boxes[0][2] < boxes[0][3]  # portrait
    assert boxes[1][2] > boxes[1][3]  # landscape
    if POPPLER:
        pages = pages_text(saved(tmp_path, data))
        assert "Bred tabell" in pages[1] and "Utfall" in pages[1] and "SID 2 (3)" in pages[1]
        assert "Efter." in pages[2]


@needs_poppler
def test_a_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    columns = (Column("", "Åtgärd"), Column("b", "Belopp", "number", "right"))
    rows = tuple(Row(f"r{j}", "", (cell(f"Åtgärd {j}"), cell(f"{j},5"))) for j in range(150))
    pages = pages_text(saved(tmp_path, write(one_section(Table("lang", columns, rows)))))
    assert len(pages) >= 3
    for page in pages:
        assert "Åtgärd" in page.split("\n", 4)[-1] and "Belopp" in page


def test_total_and_subtotal_rows_are_set_in_bold(compiled: dict[str, bytes]) -> None:
    """The bold face is used in the table body (totals), not only in headings and headers."""
    with opened(compiled["report"]) as pdf:
        page = pdf.pages[2]
        fonts = {str(name): str(font.BaseFont) for name, font in page.Resources.Font.items()}
        bold = {name for name, base in fonts.items() if base.endswith("-Bold")}
        operations = pikepdf.parse_content_stream(page)
        current = ""
        bold_text = []
        for operands, operator in operations:
            if str(operator) == "Tf":
                current = str(operands[0])
            elif str(operator) in {"Tj", "TJ"} and current in bold:
                bold_text.append(operands)
        # headings (3), header cells (5), the subtotal and total rows (5 cells each, 4 figures)
        assert len(bold_text) >= 3 + 5 + 2 * 4


# ---------------------------------------------------------------------------------- fonts


@needs_poppler
@pytest.mark.parametrize("name", ["report", "memo", "protocol"])
def test_every_font_is_embedded_and_one_of_the_shipped(files: dict[str, Path],
                                                         name: str) -> None:
    listing = subprocess.run(["pdffonts", str(files[name])], capture_output=True, text=True,
                             check=True, timeout=60).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        font = line.split()[0].split("+")[-1]
        assert font.startswith(("LiberationSans", "LiberationMono", "DejaVuSans")), line
        assert re.search(r"\s+yes\s+yes\s+yes\s+", line), f"not embedded: {line}"


def test_the_shipped_fonts_and_their_licences_travel_with_the_package() -> None:
    folder = shipped_directory()
    for faces in SHIPPED.values():
        for face in faces:
            assert (folder / face).is_file()
    for family in ("Liberation Sans", "Carlito"):
        assert len(SHIPPED[family]) == 4
    for licence in ("LICENSE-Liberation.txt", "LICENSE-Carlito.txt"):
        assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / licence).read_text("utf-8")
    assert "Bitstream" in (folder / "LICENSE-DejaVu.txt").read_text("utf-8")
    data = (ROOT / "pyproject.toml").read_text("utf-8")
    for pattern in ('"fonts/*.ttf"', '"fonts/*.txt"', '"output/typst/*.typ"'):
        assert pattern in data


def test_fonts_from_a_reference_are_its_own_where_installed_or_its_metric_twin() -> None:
    reference = load_reference(ROOT / "src" / "snplan" / "templates" / "reference.docx")
    fonts = Fonts.from_reference(reference, installed=False)
    assert (fonts.body, fonts.size, fonts.wanted) == ("Liberation Sans", 10.5, "Arial")
    assert fonts.metric_twin and "same metrics" in (fonts.note or "")
    calibri = Fonts.for_family("Calibri", installed=False)
    assert calibri.body == "Carlito" and calibri.metric_twin
    other = Fonts.for_family("Garamond", installed=False)
    assert other.body == "Liberation Sans" and "differently" in (other.note or "")
    assert Fonts.for_family("liberation sans").note is None
    page = PageSetup.from_reference(reference)
    assert (page.width, page.height, page.top, page.left) == (595.3, 841.9, 70.85, 70.85)


def test_a_document_set_in_carlito_embeds_carlito(tmp_path: Path) -> None:
    data = write(samples.memo(), fonts=Fonts.for_family("Calibri", installed=False))
    with opened(data) as pdf:
        names = {str(f.BaseFont).split("+")[-1] for page in pdf.pages
                 for f in page.Resources.Font.values()}
    assert names and all(n.startswith(("Carlito", "DejaVuSans")) for n in names), names


def test_characters_no_font_has_become_a_replacement_and_controls_a_space() -> None:
    faces = tuple(shipped_directory() / f for f in SHIPPED["Liberation Sans"])
    fallback = (shipped_directory() / SHIPPED["DejaVu Sans"][0],)
    printable = Printable((faces, fallback))
    assert printable("Årsredovisning ● ◆ ▲ ■ − – §") == "Årsredovisning ● ◆ ▲ ■ − – §"
    assert printable("a中b\x07c\td\u00ade\ue000") == "a\ufffdb\ufffdc d\u00ade\ufffd"
    assert ord("◆") in characters(fallback[0]) and ord("◆") not in characters(faces[0])


# ---------------------------------------------------------------------------------- data stays data


def test_hostile_text_prints_as_typed_and_reads_no_file(tmp_path: Path) -> None:
    columns = (Column("", HOSTILE), Column("v", "#set text(red)", "number", "right"))
    rows = (Row("r", HOSTILE, (cell(HOSTILE), cell("$1$"))),)
    document = Document(replace(samples.META, title=HOSTILE), (
        Section((Text(HOSTILE),), 1, (
            Paragraph((Text(HOSTILE), Text(" fet ", bold=True), Text(HOSTILE, code=True))),
            Paragraph((Text(HOSTILE),), role="code"),
            Table("t", columns, rows, title=HOSTILE, notes=((Text(HOSTILE),),)),
            Paragraph((Text("länk", link="javascript:alert(1)"), Text(" och "),
                       Text("ankare", link="#finns-inte"))),
        ), anchor='x") #read("/etc/passwd'),
    ))
    result = build(document)
    assert result.warnings == ()
    with opened(result.pdf) as pdf:
        assert str(pdf.docinfo.Title) == HOSTILE
        assert bookmarks(pdf)[0] == (1, HOSTILE)
        assert [float(x) for x in pdf.pages[0].MediaBox] == [0, 0, 595.3, 841.9]
        annotations = [a for page in pdf.pages for a in page.get("/Annots", [])]
        assert annotations == []  # neither the javascript: link nor the missing anchor
    if POPPLER:
        text = subprocess.run(["pdftotext", "-raw", saved(tmp_path, result.pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        flat = re.sub(r"\s+", " ", text)
        for part in ('#read("/etc/passwd")', "#set page(width: 1cm)", "$x^2$", "*fet*",
                     "_kursiv_", "<etikett>", "@ref", "back\\slash", "] [", "#{1+1}",
                     "// kommentar /* */", "`kod`"):
            # the heading, both paragraphs, the code, the table's title, header, cell, note
            assert flat.count(part) == 8, part
        assert "#set text(red)" in flat and "$1$" in flat
        assert "root:" not in text


def test_the_json_leaves_out_hidden_columns_unprinted_tables_and_the_datas_labels() -> None:
    table = samples.income_statement()
    document = one_section(table, replace(table, key="dold", printed=False),
                           Paragraph((Text("se", link="#ekonomisk-analys"),)))
    document = Document(document.meta, (
        Section((Text("Ekonomisk analys"),), 1, document.blocks[0].blocks,  # type: ignore[union-attr]
                anchor="ekonomisk-analys"),))
    data = document_json(document, page=PageSetup(), body=["Liberation Sans"],
                         mono=["Liberation Mono"], size=10.5, clean=lambda s: s)
    assert data.count('"k":"table"') == 1
    assert "Budget\u00adavvikelse" in data and '"h":"2022"' not in data
    assert '"label":"a1"' in data and '"anchor":"a1"' in data
    assert "ekonomisk-analys" not in data


def test_a_hostile_language_tag_falls_back_to_swedish() -> None:
    document = replace(samples.memo(), meta=replace(samples.META, language='sv"); #read("x'))
    with opened(write(document)) as pdf:
        assert str(pdf.Root.Lang) == "sv-SE"


# ---------------------------------------------------------------------------------- PDF/A


def test_the_archive_copy_is_pdf_a_2b_and_pdf_ua_1(compiled: dict[str, bytes]) -> None:
    data = write(samples.report(), archive=True)
    assert data != compiled["report"]
    with opened(data) as pdf:
        meta = xmp(pdf)
        assert "<pdfaid:part>2</pdfaid:part>" in meta
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in meta
        assert "<pdfuaid:part>1</pdfuaid:part>" in meta
        assert len(pdf.Root.OutputIntents) == 1
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "sv-SE"
    assert write(samples.report(), archive=True) == data


# ---------------------------------------------------------------------------------- small trees


def test_every_block_kind_compiles_alone() -> None:
    """A tree of each kind of block on its own (an empty list, an empty section, a page
    break first, a figure with no data) compiles without warnings."""
    figure = Figure("tom", "", "Tomt diagram", ())
    blocks = (PageBreak(), Contents(depth=1), ListBlock(()), ListBlock((ListItem(()),)),
              Section(None, 1, ()), Section((Text("Tom"),), 7, ()), figure,
              Cover("", "", "", ()), Table("tom", (Column("", ""),), ()),
              Paragraph(()), Paragraph((), role="note"), Paragraph((), role="code"))
    for block in blocks:
        result = build(Document(samples.META, (block,)))
        assert result.pdf.startswith(b"%PDF-"), block
        assert result.warnings == (), (block, result.warnings)


def test_an_empty_figure_still_has_alternative_text() -> None:
    figure = Figure("tom", "", "Tomt", ())
    with opened(write(one_section(figure))) as pdf:
        assert [str(e.Alt) for e in struct_elements(pdf) if e.S == "/Figure"] == ["Tomt"]


def test_decimal_values_never_reach_the_json() -> None:
    table = samples.income_statement()
    data = document_json(one_section(table), page=PageSetup(), body=["Liberation Sans"],
                         mono=["Liberation Mono"], size=10.5, clean=lambda s: s)
    assert str(Decimal("-140.6")) not in data and "-140,6" in data


def test_an_installed_font_the_reference_names_is_used_and_embedded() -> None:
    installed = sorted({name for name, _ in system_fonts() if name not in SHIPPED})
    if not installed:
        pytest.skip("no font is installed on this machine besides the shipped ones")
    fonts = Fonts.for_family(installed[0])
    assert fonts.files and fonts.note is None
    data = write(samples.memo(), fonts=fonts)
    with opened(data) as pdf:
        names = {str(f.BaseFont).split("+")[-1] for page in pdf.pages
                 for f in page.Resources.Font.values()}
    wanted = installed[0].replace(" ", "")
    assert any(n.startswith(wanted) for n in names), (wanted, names)


def test_a_font_file_that_cannot_be_read_is_a_plain_error(tmp_path: Path) -> None:
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(b"not a font")
    with pytest.raises(TypstPdfError, match="cannot make the PDF"):
        write(samples.memo(), fonts=Fonts(body="Broken", files=(broken,)))

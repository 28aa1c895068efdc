"""The Word writer, read back from the XML it writes for resolved documents: styles, keep
rules, figures that never wrap, column widths from the font's real widths, landscape pages,
cover page, captions, signature blocks, hyperlinks, literal entities, numbered lists, and what
it refuses. The trees are written compactly (`word_trees`: prose as Markdown, tables in pipe
notation).

Widths checked by hand use Arial's advance widths as Adobe's metrics print them (per 1000 em:
digits 556, space and comma 278, hyphen 333; bold R 722, i 278, s 556, k 556, n 611, d 611,
e 556, x 556), which Liberation Sans, the twin the writer measures with, shares."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from snplan.output.word import RenderError
from snplan.tree import (
    Contents,
    Cover,
    Figure,
    ListBlock,
    ListItem,
    PageBreak,
    Section,
    Signatures,
    Signer,
    Text,
)

from .word_trees import REFERENCE, md, pipe
from .word_trees import render as render_tree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
TEXT_WIDTH = 9072  # A4 (11906 twips) less two margins of 1417


def render(markdown: str | list, images: dict[str, bytes] | None = None,
           reference: Path = REFERENCE) -> bytes:
    return render_tree(markdown, images, reference)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def body(data: bytes) -> etree._Element:
    return etree.fromstring(parts(data)["word/document.xml"]).find(f"{{{W}}}body")


def texts(element: etree._Element) -> str:
    return "".join(element.itertext())


def png(width: int = 700, height: int = 350) -> bytes:
    """A small valid PNG of the given size (one grey pixel row repeated)."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, content: bytes) -> bytes:
        return (struct.pack(">I", len(content)) + kind + content
                + struct.pack(">I", zlib.crc32(kind + content) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_opens_in_python_docx_and_builds_are_byte_identical() -> None:
    markdown = "# Rubrik\n\nText med **fet** och *kursiv* stil.\n\n- ett\n- två\n"
    first, second = render(markdown), render(markdown)
    assert first == second
    doc = Document(io.BytesIO(first))
    assert [p.text for p in doc.paragraphs] == ["Rubrik", "Text med fet och kursiv stil.",
                                                "ett", "två"]
    assert [p.style.name for p in doc.paragraphs] == ["Heading 1", "Normal", "List Bullet",
                                                      "List Bullet"]
    assert doc.core_properties.title == "Prov"
    assert doc.core_properties.language == "sv-SE"
    assert "SOLNA STAD" in doc.sections[0].header.paragraphs[0].text
    names = set(parts(first))
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names


def test_headings_keep_with_next_and_are_targets_of_the_contents() -> None:
    root = body(render([Contents(), *md("# Ett\n\n## Två\n\n### Tre\n\nText.\n")]))
    headings = [p for p in root.iter(f"{{{W}}}p")
                if (s := p.find("w:pPr/w:pStyle", NS)) is not None
                and s.get(f"{{{W}}}val").startswith("Heading")]
    assert len(headings) == 3
    for heading in headings:
        assert heading.find("w:pPr/w:keepNext", NS) is not None
    marks = [b.get(f"{{{W}}}name") for b in root.iter(f"{{{W}}}bookmarkStart")]
    assert marks == ["_Toc000001", "_Toc000002"]  # levels 1 and 2 are in the contents
    anchors = [h.get(f"{{{W}}}anchor") for h in root.iter(f"{{{W}}}hyperlink")]
    assert anchors == marks
    instructions = "".join(t.text for t in root.iter(f"{{{W}}}instrText"))
    assert 'TOC \\o "1-2"' in instructions and "PAGEREF _Toc000002" in instructions


def test_a_short_line_under_a_heading_keeps_with_what_follows() -> None:
    """A goal's heading and its level ("Kommunfullmäktiges mål") ended a page of the
    exempelby report with the goal's text on the next: the line under a heading keeps with
    what follows it, as the heading keeps with the line. A paragraph that is not under a
    heading, a long one and the last one do not."""
    long = "Ord " * 60
    root = body(render(f"## Mål\n\n*Kommunfullmäktiges mål*\n\nMålet uppfylls.\n\n"
                       f"Fristående rad.\n\nMer text.\n\n## Nästa\n\n{long}\n\nSlut.\n\n"
                       "## Sist\n\nSista raden.\n"))
    kept = {"".join(p.itertext()).strip(): p.find("w:pPr/w:keepNext", NS) is not None
            for p in root.iter(f"{{{W}}}p")}
    assert kept["Kommunfullmäktiges mål"] is True
    assert kept["Fristående rad."] is False
    assert kept[long.strip()] is False
    assert kept["Sista raden."] is False


def test_links_keep_their_address() -> None:
    data = render("Se [Solna stads webbplats](https://www.solna.se/politik) för mer.\n")
    link = body(data).find(".//w:hyperlink", NS)
    assert texts(link) == "Solna stads webbplats"
    rels = etree.fromstring(parts(data)["word/_rels/document.xml.rels"])
    rel = next(r for r in rels if r.get("Id") == link.get(f"{{{R}}}id"))
    assert rel.get("Target") == "https://www.solna.se/politik"
    assert rel.get("TargetMode") == "External"
    assert rel.get("Type").endswith("/hyperlink")


def test_character_entities_stay_as_typed() -> None:
    # every entity prose holds is printed as the author typed it; a backslash escape prints
    # the character it escapes
    doc = Document(io.BytesIO(render("FoU &amp; utveckling &copy; 2023 &lt;b&gt; \\*x\\* "
                                     "\\<i>\n")))
    assert doc.paragraphs[0].text == "FoU &amp; utveckling &copy; 2023 &lt;b&gt; *x* <i>"


def test_dates_do_not_break_at_their_hyphens() -> None:
    root = body(render("Beslut 2021-10-20 om Barn-och-unga.\n"))
    assert len(root.findall(".//w:noBreakHyphen", NS)) == 2  # in the date only
    doc = Document(io.BytesIO(render("Beslut 2021-10-20 om Barn-och-unga.\n")))
    assert doc.paragraphs[0].text == "Beslut 2021-10-20 om Barn-och-unga."


def test_a_negative_amount_does_not_break_after_its_minus() -> None:
    # "Budgetavvikelsen är -6 600 tkr." broke as "-" / "6 600" at a line end in LibreOffice
    text = "Avvikelsen är -6 600 tkr (-1,5 %), från 10-12 till x-2 och -a.\n"
    root = body(render(text))
    assert len(root.findall(".//w:noBreakHyphen", NS)) == 3  # two minus signs, one range
    assert Document(io.BytesIO(render(text))).paragraphs[0].text == text.strip()


def test_each_numbered_list_starts_at_one() -> None:
    data = render("1. a\n2. b\n\nText.\n\n1. c\n2. d\n")
    numbers = [n.get(f"{{{W}}}val") for n in body(data).iter(f"{{{W}}}numId")]
    assert len(numbers) == 4 and numbers[0] == numbers[1] != numbers[2] == numbers[3]
    numbering = etree.fromstring(parts(data)["word/numbering.xml"])
    for number in set(numbers):
        instance = numbering.find(f"w:num[@w:numId='{number}']", NS)
        assert instance.find("w:lvlOverride/w:startOverride", NS).get(f"{{{W}}}val") == "1"


FIGURES = """| Resultaträkning (mkr) | 2023 | 2022 |
|---|---:|---:|
| Personalkostnader | -140,6 | -131,0 |
| **Summa kostnader** | **-249,9** | **-247,6** |
"""


def _grid(table: etree._Element) -> list[int]:
    return [int(c.get(f"{{{W}}}w")) for c in table.findall("w:tblGrid/w:gridCol", NS)]


def test_figures_are_right_aligned_never_wrap_and_totals_are_bold() -> None:
    table = body(render(FIGURES)).find("w:tbl", NS)
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    figure = rows[1].findall("w:tc", NS)[1]
    assert figure.find("w:tcPr/w:noWrap", NS) is not None
    assert figure.find("w:p/w:pPr/w:jc", NS).get(f"{{{W}}}val") == "right"
    label = rows[1].findall("w:tc", NS)[0]
    assert label.find("w:tcPr/w:noWrap", NS) is None
    assert all(r.find("w:rPr/w:b", NS) is not None for r in rows[2].iter(f"{{{W}}}r"))
    assert all(r.find("w:rPr/w:b", NS) is None for r in rows[1].iter(f"{{{W}}}r"))
    widths = _grid(table)
    assert sum(widths) == TEXT_WIDTH
    # "-140,6" at 9 pt: (333 + 4 × 556 + 278) / 1000 × 9 pt = 25,5 pt = 510 twips, plus the
    # cell margins of 108 twips on each side
    assert widths[1] >= 510 + 2 * 108


def test_no_column_narrower_than_its_longest_word() -> None:
    table = body(render("| Kategori | Riskindex | Kommentar |\n|---|---:|---|\n"
                        "| Verksamhetsprocesser | 12 | " + "text " * 200 + "|\n")
                 ).find("w:tbl", NS)
    widths = _grid(table)
    # the header "Riskindex" in 9 pt bold: (722 + 278 + 556 + 556 + 278 + 611 + 611 + 556
    # + 556) / 1000 × 9 = 42,5 pt = 850 twips
    assert widths[1] >= 850
    # the long text column gets the room the others do not need
    assert widths[2] > widths[0] > widths[1]


def _month_table(rows: int) -> str:
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
              "dec"]
    text = "| |" + "|".join(f" {m} " for m in months) + "| Summa |\n"
    text += "|---|" + "---:|" * 13 + "\n"
    for year in range(2021, 2021 + rows):
        text += f"| {year} |" + " 9\u00a0775 |" * 12 + " 117\u00a0300 |\n"
    return text


def test_a_monthly_table_fits_the_portrait_page_with_its_figures_whole() -> None:
    root = body(render(_month_table(3)))
    widths = _grid(root.find("w:tbl", NS))
    # "9 775" at 9 pt: (4 × 556 + 278) / 1000 × 9 = 22,5 pt = 450 twips; the cell margins
    # are narrowed to 57 twips when the ordinary 108 do not leave room
    assert min(widths[1:13]) >= 450 + 2 * 57
    assert root.find(".//w:pgSz[@w:orient='landscape']", NS) is None


def test_a_short_table_stays_on_one_page_and_a_long_one_leaves_no_stray_rows() -> None:
    short = body(render(_month_table(3))).find("w:tbl", NS).findall("w:tr", NS)
    keeps = [r.find("w:tc/w:p/w:pPr/w:keepNext", NS) is not None for r in short]
    assert keeps == [True, True, True, False]
    long = body(render(_month_table(120))).find("w:tbl", NS).findall("w:tr", NS)
    keeps = [r.find("w:tc/w:p/w:pPr/w:keepNext", NS) is not None for r in long]
    assert keeps[:3] == [True, True, False]  # the header keeps with the first row
    assert not any(keeps[3:-3])
    assert keeps[-3:] == [True, True, False]  # the last three rows stay together


# Ten columns of text: on a portrait page every cell wraps into many lines, on a landscape
# page into far fewer (more than a third and twenty lines fewer for eight rows).
WIDE_ROW = "| " + " | ".join("Uppföljningen av avtalet visar avvikelser" for _ in range(10)) \
    + " |\n"


def test_a_narrow_table_stays_on_a_portrait_page() -> None:
    """Two rows whose headers wrap are not worth a page of their own."""
    table = ("| Investeringsredovisning (mkr) | 2021 | 2020 | Differens 21/20 | "
             "Återstår av årsbudget | Budget | Prognos | Prognos­avvikelse |\n"
             "|---|---:|---:|---:|---:|---:|---:|---:|\n"
             "| Verksamhetens investeringar | 0,0 | 0,0 | 0,0 | 0,2 | 0,2 | 0,2 | -0,2 |\n")
    assert body(render(table)).find(".//w:pgSz[@w:orient='landscape']", NS) is None


def test_a_wide_table_of_text_goes_on_a_landscape_page() -> None:
    header = "| " + " | ".join(f"Kolumn {i}" for i in range(10)) + " |\n"
    header += "|" + "---|" * 10 + "\n"
    rows = WIDE_ROW * 8
    root = body(render("# Bilaga\n\n" + header + rows + "\nEfter tabellen.\n"))
    sections = root.findall(".//w:sectPr", NS)
    assert len(sections) == 1  # heading, table and closing line share the landscape page
    size = sections[0].find("w:pgSz", NS)
    assert size.get(f"{{{W}}}orient") == "landscape"
    assert (int(size.get(f"{{{W}}}w")), int(size.get(f"{{{W}}}h"))) == (16838, 11906)
    table = root.find("w:tbl", NS)
    assert sum(_grid(table)) == 16838 - 2 * 1417


def test_landscape_section_between_portrait_pages() -> None:
    header = "| " + " | ".join(f"Kolumn {i}" for i in range(10)) + " |\n"
    header += "|" + "---|" * 10 + "\n"
    text = "Före.\n\n" + "Stycke.\n\n" * 6 + "## Bred\n\n" + header + WIDE_ROW * 8 + "\n"
    text += "Stycke.\n\n" * 6
    root = body(render(text))
    inner = [p.find("w:pPr/w:sectPr", NS) for p in root.findall("w:p", NS)]
    breaks = [s for s in inner if s is not None]
    assert len(breaks) == 2  # portrait before, landscape, then the body's portrait
    assert breaks[0].find("w:pgSz", NS).get(f"{{{W}}}orient") is None
    assert breaks[1].find("w:pgSz", NS).get(f"{{{W}}}orient") == "landscape"
    assert breaks[1].find("w:type", NS).get(f"{{{W}}}val") == "nextPage"
    final = root.find("w:sectPr", NS)
    assert final.find("w:pgSz", NS).get(f"{{{W}}}orient") is None
    # the heading went with its table
    heading = root.xpath("w:p[.//w:t='Bred']", namespaces=NS)[0]
    assert root.index(heading) > root.index(inner_paragraph(root, 0))


def inner_paragraph(root: etree._Element, number: int) -> etree._Element:
    return [p for p in root.findall("w:p", NS) if p.find("w:pPr/w:sectPr", NS) is not None
            ][number]


def test_cover_page_has_no_header_or_footer() -> None:
    data = render([Cover("Solna stad", "Socialnämnden", "Årsredovisning 2023"), PageBreak(),
                   Section((Text("Inledning"),), 1, ())])
    final = body(data).find("w:sectPr", NS)
    assert final.find("w:titlePg", NS) is not None
    first = [h for h in final.findall("w:headerReference", NS)
             if h.get(f"{{{W}}}type") == "first"]
    assert len(first) == 1
    rels = etree.fromstring(parts(data)["word/_rels/document.xml.rels"])
    target = next(r.get("Target") for r in rels if r.get("Id") == first[0].get(f"{{{R}}}id"))
    assert texts(etree.fromstring(parts(data)[f"word/{target}"])) == ""


def test_pictures_have_alt_text_and_numbered_captions() -> None:
    images = {"a": png(), "b": png(700, 700)}
    root = body(render([Figure("a", "Linjediagram A", "Ekonomiskt bistånd", ()),
                        Figure("b", "Linjediagram B", "Vuxen", ())], images=images))
    captions = [p for p in root.findall("w:p", NS)
                if (s := p.find("w:pPr/w:pStyle", NS)) is not None
                and s.get(f"{{{W}}}val") == "Caption"]
    assert [texts(c).replace(" SEQ Figur \\* ARABIC ", "") for c in captions] == [
        "Figur 1. Ekonomiskt bistånd", "Figur 2. Vuxen"]
    described = [d.get("descr") for d in root.iter(f"{{{NS['wp']}}}docPr")]
    assert described == ["Linjediagram A", "Linjediagram B"]
    extents = [(int(e.get("cx")), int(e.get("cy"))) for e in root.iter(f"{{{NS['wp']}}}extent")]
    assert extents[0] == (TEXT_WIDTH * 635, TEXT_WIDTH * 635 // 2)  # as wide as the text


def test_table_caption_and_signature_block() -> None:
    root = body(render([pipe("| A | B |\n|---|---|\n| x | y |\n", title="Tabell över avtal"),
                        Signatures(((Signer("Ann-Charlotte Fager", ("Socialchef",)),
                                     Signer("Karin Ek", ("Controller",))),))]))
    caption = root.find("w:p", NS)
    assert texts(caption) == "Tabell över avtal"
    assert caption.find("w:pPr/w:keepNext", NS) is not None
    signatures = root.findall("w:tbl", NS)[1]
    rows = signatures.findall("w:tr", NS)
    assert len(rows) == 1  # the empty header row is left out
    cell = rows[0].find("w:tc", NS)
    styles = [p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") for p in cell.findall("w:p", NS)]
    assert styles == ["snplanUnderskrift", "snplanUnderskriftstitel"]
    assert [texts(p) for p in cell.findall("w:p", NS)] == ["Ann-Charlotte Fager",
                                                           "Socialchef"]
    assert signatures.find("w:tblPr/w:tblStyle", NS).get(f"{{{W}}}val") == \
        "snplanUnderskrifter"


def test_what_the_writer_refuses(tmp_path: Path) -> None:
    """A style the document needs that the reference lacks, and a list item holding
    something a Word list cannot, are named; markup in the data's text is text."""
    reference = tmp_path / "reference.docx"
    Document().save(str(reference))
    with pytest.raises(RenderError, match="no style named 'snplan Omslag'"):
        render([Cover("Solna stad", "Socialnämnden", "Plan")], reference=reference)
    with pytest.raises(RenderError, match="a list item holds text or a further list"):
        render([ListBlock((ListItem((pipe("| A |\n|---|\n| x |\n"),)),))])
    for text in ("<div>Text</div>", "![x](bild.png)", "<!-- style Title -->"):
        doc = Document(io.BytesIO(render(text + "\n")))
        assert text.replace("![x](bild.png)", "x") in [p.text for p in doc.paragraphs]


def test_a_reference_that_is_not_a_word_file(tmp_path: Path) -> None:
    broken = tmp_path / "reference.docx"
    broken.write_text("inte en zip")
    with pytest.raises(RenderError, match="not a Word document"):
        render("Text\n", reference=broken)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"\0" * (80 * 1024 * 1024))
    with pytest.raises(RenderError, match="unpacks to"):
        render("Text\n", reference=bomb)


def test_a_plain_python_docx_reference_works(tmp_path: Path) -> None:
    """An organisation's reference may have no header or footer and none of snplan's own
    styles: the writer makes the header and footer and falls back to the defaults."""
    reference = tmp_path / "reference.docx"
    Document().save(str(reference))
    data = render("# Rubrik\n\n" + FIGURES + "\n1. ett\n", reference=reference)
    doc = Document(io.BytesIO(data))
    assert doc.sections[0].header.paragraphs[0].text == "SOLNA STAD"
    assert doc.sections[0].footer.paragraphs[0].text.startswith("SID ")
    assert doc.tables[0].rows[1].cells[1].text == "-140,6"

"""The web edition's markup, read back with lxml: landmarks, headings, contents, tables,
figures, signatures, escaping, links, style and the index page. What it looks like and what
axe-core says of it are tested in a browser (test_html_browser.py)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from lxml import html as lxml_html

from snplan.output.html import IndexEntry, WebStyle, index, style_from_reference, write
from snplan.output.html.ids import slug
from snplan.output.html.style import contrast, readable
from snplan.tree import Document, Section, Table, plain, walk

from . import html_samples, tree_samples
from .conftest import ROOT

SAMPLES = {"report": tree_samples.report, "memo": tree_samples.memo,
           "protocol": tree_samples.protocol, "plan": html_samples.plan,
           "hostile": html_samples.hostile}
PACKAGE = ROOT / "src" / "snplan" / "output" / "html"


def parse(data: bytes) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(data)


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {name: write(make()) for name, make in SAMPLES.items()}


def _table(page: lxml_html.HtmlElement, caption: str) -> lxml_html.HtmlElement:
    """The table of that caption (its id may have been taken by a heading first)."""
    (table,) = [t for t in page.iter("table") if text_of(t.find("caption")) == caption]
    return table


# ------------------------------------------------------------------------------ the page


@pytest.mark.parametrize("name", SAMPLES)
def test_language_charset_and_viewport(name: str, built: dict[str, bytes]) -> None:
    data = built[name]
    assert data.startswith(b"<!DOCTYPE html>\n<html lang=\"sv\">")
    page = parse(data)
    head = page.find("head")
    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    assert page.xpath("//meta[@name='viewport']/@content") == \
        ["width=device-width, initial-scale=1"]
    data.decode("utf-8")  # UTF-8 throughout


@pytest.mark.parametrize("name", SAMPLES)
def test_landmarks_in_order_after_a_skip_link(name: str, built: dict[str, bytes]) -> None:
    page = parse(built[name])
    body = page.find("body")
    tags = [child.tag for child in body]
    assert tags[0] == "a" and body[0].get("class") == "skip-link"
    landmarks = [t for t in tags[1:]]
    expected = ["header", "nav", "main", "footer"] if name in {"report", "plan"} \
        else ["header", "main", "footer"]
    assert landmarks == expected
    target = body[0].get("href")
    assert target == "#" + page.find(".//main").get("id")


@pytest.mark.parametrize("name", SAMPLES)
def test_one_h1_and_headings_never_skip_a_level(name: str, built: dict[str, bytes]) -> None:
    page = parse(built[name])
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def test_a_skipped_level_keeps_its_look_but_not_its_number(built: dict[str, bytes]) -> None:
    """The hostile tree goes 1 → 3 → 6: rendered h2 → h3 → h4, classes l1, l3, l6."""
    page = parse(built["hostile"])
    headings = {text_of(h): (h.tag, h.get("class")) for h in page.iter("h2", "h3", "h4")}
    assert headings["Hoppar till tre"] == ("h3", "l3")
    assert headings["Och till sex"] == ("h4", "l6")
    assert headings["Först på nivå tre"] == ("h2", "l3")


def test_chapters_sit_under_the_title(built: dict[str, bytes]) -> None:
    """The cover's title is the h1; the tree's level-1 chapters are h2, level 2 h3; a memo's
    level-2 sections (its title being level 1) stay h2."""
    report = parse(built["report"])
    assert text_of(report.find(".//header//h1")) == "Årsredovisning 2023"
    assert report.get_element_by_id("forvaltningsberattelse").tag == "h2"
    assert report.get_element_by_id("sammanfattning").tag == "h3"
    memo = parse(built["memo"])
    assert text_of(memo.find(".//header//h1")) == "Årsredovisning 2023"
    assert [h.tag for h in memo.find(".//main").iter("h2", "h3")] == ["h2"]


def _titles(document: Document, depth: int) -> list[str]:
    return [plain(b.title) for b in walk(document.blocks) if isinstance(b, Section)
            and b.title is not None and plain(b.title).strip() and b.level <= depth]


@pytest.mark.parametrize("name", ["report", "plan"])
def test_the_contents_lists_every_heading_of_levels_1_and_2(name: str,
                                                            built: dict[str, bytes]) -> None:
    page = parse(built[name])
    nav = page.find(".//nav")
    links = nav.findall(".//a")
    assert [text_of(a) for a in links] == _titles(SAMPLES[name](), 2)
    for link in links:
        target = page.get_element_by_id(link.get("href")[1:])
        assert target.tag in {"h2", "h3"} and text_of(target) == text_of(link)
    assert nav.get("aria-labelledby") == nav.find(".//h2").get("id")


def test_memos_and_protocols_have_no_contents(built: dict[str, bytes]) -> None:
    for name in ("memo", "protocol", "hostile"):
        assert parse(built[name]).find(".//nav") is None


@pytest.mark.parametrize("name", SAMPLES)
def test_ids_are_unique_and_valid(name: str, built: dict[str, bytes]) -> None:
    ids = parse(built[name]).xpath("//@id")
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids), ids


def test_anchors_from_the_tree_from_titles_and_made_unique(built: dict[str, bytes]) -> None:
    page = parse(built["hostile"])
    ids = {text_of(h): h.get("id") for h in page.iter("h2", "h3", "h4")}
    assert ids["Först på nivå tre"] == "malen"
    assert ids["Och till sex"] == "malen-2"
    assert ids["2023"] == "avsnitt-2023"
    assert [h.get("id") for h in page.iter("h2") if text_of(h) == "Samma rubrik"] == \
        ["sammanfattning", "sammanfattning-2"]
    assert slug("Förvaltningsberättelse") == "forvaltningsberattelse"
    assert slug("Ekonomisk analys 2023!") == "ekonomisk-analys-2023"


def test_a_blank_title_makes_no_heading(built: dict[str, bytes]) -> None:
    page = parse(built["hostile"])
    assert all(text_of(h) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6"))


def test_the_cover_is_the_header(built: dict[str, bytes]) -> None:
    cover = tree_samples.report().blocks[0]
    header = parse(built["report"]).find(".//header")
    assert [text_of(p) for p in header.findall("p")] == \
        [cover.organisation, cover.committee, *cover.lines]
    assert text_of(header.find("h1")) == cover.title


def test_the_memo_and_protocol_heads(built: dict[str, bytes]) -> None:
    memo_head = tree_samples.memo().blocks[0]
    header = parse(built["memo"]).find(".//header")
    assert memo_head.kind in text_of(header)
    assert all(line in text_of(header) for line in memo_head.lines)
    protocol_head = tree_samples.protocol().blocks[0]
    header = parse(built["protocol"]).find(".//header")
    assert text_of(header.find("h1")) == protocol_head.title
    assert [(text_of(d.find("dt")), text_of(d.find("dd"))) for d in header.findall(".//dl/div")] \
        == list(protocol_head.fields)


def test_the_footer_dates_the_document(built: dict[str, bytes]) -> None:
    footer = parse(built["report"]).find(".//footer")
    date = tree_samples.META.timestamp.date().isoformat()
    assert footer.find(".//time").get("datetime") == date


# ------------------------------------------------------------------------------ tables


def _visible_texts(table: Table) -> list[list[str]]:
    return [[row.cells[i].text if not row.cells[i].blank else "" for i in table.visible]
            for row in table.rows if row.role != "heading"]


def test_a_table_has_caption_head_and_row_headers(built: dict[str, bytes]) -> None:
    tree = tree_samples.income_statement()
    table = _table(parse(built["report"]), tree.name)
    assert text_of(table.find("caption")) == tree.name
    heads = table.findall("thead/tr/th")
    assert [h.get("scope") for h in heads] == ["col"] * len(tree.visible)
    assert [text_of(h).replace("\u00ad", "") for h in heads] == \
        [tree.columns[i].header.replace("\u00ad", "") for i in tree.visible]
    rows = table.findall("tbody/tr")
    assert [r[0].tag for r in rows] == ["th"] * len(tree.rows)
    assert {r[0].get("scope") for r in rows} == {"row"}


def test_every_visible_cell_in_order_and_the_hidden_column_left_out(
        built: dict[str, bytes]) -> None:
    tree = tree_samples.income_statement()
    table = _table(parse(built["report"]), tree.name)
    cells = [[text_of(c) for c in r] for r in table.findall("tbody/tr")]
    expected = _visible_texts(tree)
    for row, want in zip(cells, expected, strict=True):
        assert row[1:] == want[1:]
        assert row[0].endswith(want[0])
    hidden = tree.columns[5]
    assert hidden.hidden and hidden.header not in [text_of(h) for h in table.iter("th")]
    assert all(len(r) == len(tree.visible) for r in table.findall("tbody/tr"))


def test_totals_and_subtotals_are_marked_in_words(built: dict[str, bytes]) -> None:
    tree = tree_samples.income_statement()
    table = _table(parse(built["report"]), tree.name)
    by_role = {row.role: row for row in tree.rows}
    for role, word in (("total", "Summa"), ("subtotal", "Delsumma")):
        (tr,) = table.xpath(f"tbody/tr[@class='{role}']")
        hidden = tr[0].find("span[@class='visually-hidden']")
        assert hidden is not None and text_of(hidden) == f"{word}:"
        assert text_of(tr[0]).endswith(by_role[role].label)


def test_figures_right_aligned_blank_cells_empty_sub_rows_indented(
        built: dict[str, bytes]) -> None:
    tree = tree_samples.income_statement()
    table = _table(parse(built["report"]), tree.name)
    rows = table.findall("tbody/tr")
    for tr, row in zip(rows, tree.rows, strict=True):
        for td, column in zip(tr[1:], tree.visible[1:], strict=True):
            assert ("num" in (td.get("class") or "")) == tree.columns[column].figure
            if row.cells[column].blank:
                assert len(td) == 0 and not (td.text or "")
        assert ("indent-1" in (tr[0].get("class") or "")) == (row.indent == 1)
    css = (PACKAGE / "page.css").read_text(encoding="utf-8")
    assert re.search(r"\.num \{[^}]*text-align: right;[^}]*tabular-nums", css)


def test_units_are_abbreviations_written_out(built: dict[str, bytes]) -> None:
    report = parse(built["report"])
    (abbr,) = _table(report, "Resultaträkning").findall("thead//abbr")
    assert (abbr.text, abbr.get("title")) == ("mkr", "miljoner kronor")
    plan = _table(parse(built["plan"]), "Kostnader per slag")
    found = {(a.text, a.get("title")) for a in plan.iter("abbr")}
    assert {("tkr", "tusen kronor"), ("kr", "kronor")} <= found


def test_heading_rows_open_a_row_group(built: dict[str, bytes]) -> None:
    tree = html_samples.breakdown_table()
    table = _table(parse(built["plan"]), tree.name)
    bodies = table.findall("tbody")
    headings = [r for r in tree.rows if r.role == "heading"]
    assert len(bodies) == len(headings)
    for body, row in zip(bodies, headings, strict=True):
        first = body.find("tr/th")
        assert first.get("scope") == "rowgroup" and text_of(first) == row.label
        assert first.get("colspan") == str(len(tree.visible))
    assert "Intern" not in text_of(table)


def test_a_cell_of_two_lines_keeps_its_lines(built: dict[str, bytes]) -> None:
    tree = html_samples.breakdown_table()
    row = next(r for r in tree.rows if r.id == "lokal")
    table = _table(parse(built["plan"]), tree.name)
    cell = next(c for c in table.iter("th") if "Lokal" in text_of(c))
    assert len(cell.findall("br")) == len(row.cells[0].lines) - 1


def test_notes_are_linked_from_the_table(built: dict[str, bytes]) -> None:
    tree = tree_samples.income_statement()
    page = parse(built["report"])
    table = _table(page, tree.name)
    notes = page.get_element_by_id(table.get("aria-describedby"))
    assert [text_of(li) for li in notes.findall("li")] == [plain(n) for n in tree.notes]


def test_every_table_scrolls_in_its_own_named_focusable_region(built: dict[str, bytes]) -> None:
    for name in SAMPLES:
        page = parse(built[name])
        for table in page.iter("table"):
            region = table.getparent()
            assert region.get("class") == "table-scroll" and region.get("role") == "region"
            assert region.get("tabindex") == "0"
            assert region.get("aria-labelledby") == table.find("caption").get("id")


def test_an_assessment_shows_its_words_beside_its_symbol(built: dict[str, bytes]) -> None:
    table = _table(parse(built["plan"]), "Måluppfyllelse")
    cells = [c for c in table.iter("td") if "assessment" in (c.get("class") or "")]
    words = [text_of(c.find("span[@class='words']")) for c in cells]
    symbols = [c.find("span[@class='symbol']") for c in cells]
    assert words == ["Uppfyllt", "Delvis uppfyllt", "nivå 3 av 4"]
    assert [s.text for s in symbols] == ["●", "◆", "▲"]
    assert {s.get("aria-hidden") for s in symbols} == {"true"}


# ------------------------------------------------------------------------------ figures


def test_a_chart_is_inline_svg_with_caption_and_its_data(built: dict[str, bytes]) -> None:
    chart = tree_samples.chart()
    page = parse(built["report"])
    figure = page.find(".//figure")
    svg = figure.find(".//svg")
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert text_of(page.get_element_by_id(title_id)) == chart.caption
    assert text_of(page.get_element_by_id(desc_id)) == chart.alt
    assert text_of(figure.find("figcaption")) == f"Figur 1. {chart.caption}"
    details = figure.getnext()
    assert details.tag == "details" and text_of(details.find("summary"))
    (panel,) = chart.panels
    table = details.find(".//table")
    assert [text_of(th) for th in table.findall("thead/tr/th")] == \
        [s.label for s in panel.series]
    rows = table.findall("tbody/tr")
    assert [text_of(r[0]) for r in rows] == list(panel.categories)
    assert [[text_of(td) for td in r[1:]] for r in rows] == \
        [[str(s.values[i]) for s in panel.series] for i in range(len(panel.categories))]


def test_a_chart_of_several_panels_is_a_picture_per_panel(built: dict[str, bytes]) -> None:
    chart = html_samples.panels_chart()
    figure = parse(built["plan"]).find(".//figure")
    assert len(figure.findall(".//svg")) == len(chart.panels)
    captions = [text_of(t) for t in figure.iter("title")]
    assert captions == [f"{chart.caption} – {p.title}" for p in chart.panels]
    assert len(figure.getnext().findall(".//table")) == len(chart.panels)


def test_the_chart_text_is_readable_on_white(built: dict[str, bytes]) -> None:
    fills = set(re.findall(rb'<text [^>]*fill="(#[0-9a-fA-F]{3,6})"', built["plan"]))
    assert fills
    for fill in fills:
        colour = fill.decode()
        if len(colour) == 4:
            colour = "#" + "".join(c * 2 for c in colour[1:])
        assert contrast(colour, "#FFFFFF") >= 4.5, colour


# ------------------------------------------------------------------------------ other blocks


def test_signatures_with_room_to_sign(built: dict[str, bytes]) -> None:
    page = parse(built["protocol"])
    tree = next(b for b in tree_samples.protocol().blocks if type(b).__name__ == "Signatures")
    sides = page.findall(".//div[@class='signature-side']")
    assert [text_of(s.find("p")) for s in sides] == list(tree.labels)
    names = [text_of(n) for n in page.iter("span") if n.get("class") == "name"]
    assert names == [s.name for row in tree.rows for s in row if s]
    assert len(page.findall(".//span[@class='sign-here']")) == len(names)
    memo = parse(built["memo"])  # an empty place (None) is left out
    assert len(memo.findall(".//li[@class='signer']")) == 1


def test_page_breaks(built: dict[str, bytes]) -> None:
    page = parse(built["report"])
    assert "break-after" in page.find(".//header").get("class")
    assert "break-after" in page.find(".//nav").get("class")
    assert page.get_element_by_id("verksamhetsmatt").getparent().get("class") == "break-before"
    css = (PACKAGE / "page.css").read_text(encoding="utf-8")
    assert ".page-break { display: none; }" in css
    assert "@media print" in css and "size: A4" in css


def test_lists_and_paragraph_roles(built: dict[str, bytes]) -> None:
    page = parse(built["report"])
    assert page.find(".//main//ol").get("start") == "3"
    assert page.find(".//main//ul/li/ul") is not None
    protocol = parse(built["protocol"])
    assert protocol.find(".//p[@class='note']") is not None
    details = protocol.find(".//p[@class='details']")
    assert len(details.findall("br")) == 1
    figure = page.find(".//span[@class='figure']")
    assert text_of(figure) == "104,3"


# ------------------------------------------------------------------------------ safety


def test_hostile_text_is_escaped_everywhere(built: dict[str, bytes]) -> None:
    data = built["hostile"]
    for raw in (b"<img", b"<script", b"</style><", b"onerror=alert(1)>"):
        assert raw not in data
    page = parse(data)
    assert not page.xpath("//script | //img | //iframe | //object")
    assert not [a for e in page.iter() for a in e.attrib if a.lower().startswith("on")]
    assert page.findtext(".//title") == f"{html_samples.HOSTILE} – {html_samples.HOSTILE}"
    assert text_of(page.find(".//h1")) == " ".join(html_samples.HOSTILE.split())
    report = parse(built["report"])
    label = tree_samples.income_statement().rows[1].label
    assert label in [text_of(th) for th in report.iter("th")]
    assert "<script>&amp;." in text_of(report.find(".//main//p"))


def test_only_safe_links_are_followed(built: dict[str, bytes]) -> None:
    page = parse(built["hostile"])
    paragraph = page.get_element_by_id("malen").getnext()
    hrefs = [a.get("href") for a in paragraph.iter("a")]
    assert hrefs == list(html_samples.GOOD_LINKS)
    texts = text_of(paragraph)
    for number in range(len(html_samples.BAD_LINKS)):
        assert f"länk {number}" in texts
    assert not page.xpath("//a[contains(translate(@href, 'JAVSCRIPT', 'javscript'), "
                          "'script:')]")


def test_an_in_page_link_leads_to_its_section(built: dict[str, bytes]) -> None:
    page = parse(built["hostile"])
    (link,) = [a for a in page.iter("a") if a.get("href", "").startswith("#malen")]
    target = page.get_element_by_id(link.get("href")[1:])
    assert text_of(target) == "Först på nivå tre"


def test_same_tree_same_bytes() -> None:
    for make in SAMPLES.values():
        assert write(make()) == write(make())


def test_nothing_external_and_no_script(built: dict[str, bytes]) -> None:
    for data in built.values():
        page = parse(data)
        assert not page.xpath("//script | //link | //img | //iframe | //@src")
        assert b"url(" not in data and b"@import" not in data


def test_links_to_the_other_formats_are_relative_or_left_out() -> None:
    page = parse(write(tree_samples.memo(), links={"Word": "arsredovisning 2023.docx",
                                                   "PDF": "javascript:alert(1)",
                                                   "Upp": "../../etc/passwd"}))
    links = page.find(".//header").findall(".//a")
    assert [(a.text, a.get("href")) for a in links] == [("Word", "arsredovisning%202023.docx")]
    assert "PDF" in text_of(page.find(".//header"))


# ------------------------------------------------------------------------------ style


def test_the_shipped_look_when_the_reference_is_the_shipped_one() -> None:
    style = style_from_reference(ROOT / "src" / "snplan" / "templates" / "reference.docx")
    assert style == WebStyle().legible()
    assert (style.body_font, style.body_size, style.heading_sizes) == \
        ("Arial", 10.5, (16.0, 13.0, 11.0))


def test_the_organisations_look_made_readable(tmp_path: Path) -> None:
    reference = html_samples.restyled_reference(tmp_path / "reference.docx",
                                                heading="FFE699", fill="1F4E79",
                                                font="Georgia", size=24)
    style = style_from_reference(reference)
    assert (style.body_font, style.body_size) == ("Georgia", 12.0)
    assert contrast("#FFE699", "#FFFFFF") < 4.5 <= contrast(style.heading_colour,
                                                          style.background)
    assert contrast(style.header_colour, style.header_fill) >= 4.5
    css = parse(write(tree_samples.report(), style)).findtext(".//style")
    assert '"Georgia"' in css and style.heading_colour in css and style.header_fill in css


def test_a_hostile_font_name_cannot_leave_the_style_sheet() -> None:
    style = WebStyle(body_font='x</style><script>alert(1)</script>"; } body { display: none',
                     heading_colour="red; } body { display:none", body_size=1e9)
    data = write(tree_samples.memo(), style)
    assert data.count(b"</style>") == 1 and b"<script" not in data
    css = parse(data).findtext(".//style")
    root = css[:css.index("}") + 1].strip().splitlines()
    assert root[0] == ":root {" and root[-1] == "}"
    for line in root[1:-1]:
        assert re.fullmatch(r'  --[a-z0-9-]+: [^;{}<>]*;', line), line
    assert "  --heading: #000000;" in root  # not a colour: the shipped one
    assert "  --print-size: 40pt;" in root  # a size out of range: the largest allowed


def test_contrast_and_darkening() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    darker = readable("#FFFF00", "#FFFFFF")
    assert contrast(darker, "#FFFFFF") >= 4.5
    assert readable("#0563C1", "#FFFFFF") == "#0563C1"  # already readable: unchanged


# ------------------------------------------------------------------------------ index


def test_the_index_page_links_every_document_in_every_format() -> None:
    entries = [IndexEntry(2022, "Verksamhetsplan 2022", (("Webbsida", "2022/vp.html"),)),
               IndexEntry(2023, "Årsredovisning 2023", (("Webbsida", "2023/ar.html"),
                                                        ("Word", "2023/ar.docx"),
                                                        ("Elak", "javascript:alert(1)")))]
    data = index("Socialnämnden, Solna stad", entries)
    assert data == index("Socialnämnden, Solna stad", entries)
    page = parse(data)
    assert page.get("lang") == "sv"
    assert [h.tag for h in page.iter("h1", "h2")] == ["h1", "h2", "h2"]
    assert [text_of(h) for h in page.iter("h2")] == ["2023", "2022"]
    links = [(a.get("href"), text_of(a)) for a in page.iter("a")][1:]  # after the skip link
    assert links == [("2023/ar.html", "Webbsida – Årsredovisning 2023"),
                     ("2023/ar.docx", "Word – Årsredovisning 2023"),
                     ("2022/vp.html", "Webbsida – Verksamhetsplan 2022")]
    assert "Elak" in text_of(page.find(".//main"))
    assert page.find(".//main") is not None and page.find(".//header") is not None


# ------------------------------------------------------------------------------ the package


def test_the_writer_reads_only_the_tree_the_charts_and_the_reference() -> None:
    allowed = {"tree", "charts.svg", "package"}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                module = node.module or ""
                if node.level == 1:
                    continue  # the package's own modules
                assert module in allowed, f"{path.name} imports {'.' * node.level}{module}"
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module] if isinstance(node, ast.ImportFrom) else \
                    [a.name for a in node.names]
                assert not any((n or "").startswith("snplan") for n in names), path.name


def test_the_style_sheet_travels_with_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "output/html/*.css" in project["tool"]["setuptools"]["package-data"]["snplan"]

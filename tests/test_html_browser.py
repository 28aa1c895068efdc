"""The web edition in a real browser: every page opened in headless Chromium and checked by
axe-core for WCAG 2.1 A and AA, made to reflow at 320 px, its charts' names read from the
browser's accessibility tree, its requests counted (none but the page itself).

Chromium (Debian's `chromium`) and axe-core (npm's, pinned in .ci/package-lock.json and
installed into .ci/node_modules by .ci/run) are looked for; without them the tests are
skipped on a developer's machine and fail in CI, where .ci/run installs both.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from snplan.output.html import IndexEntry, index, style_from_reference, write

from . import html_samples, tree_samples
from .chromium import Chromium, find_chromium
from .conftest import ROOT

AXE = Path(os.environ.get("SNPLAN_AXE", ROOT / ".ci" / "node_modules" / "axe-core" /
                          "axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ("report", "memo", "protocol", "plan", "hostile", "restyled", "index")


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what}; .ci/run installs it")
    pytest.skip(what)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of page the web edition makes, written to files as the build would."""
    folder = tmp_path_factory.mktemp("html")
    reference = html_samples.restyled_reference(folder / "reference.docx")
    built = {
        "report": write(tree_samples.report(), links={"Word": "arsredovisning-2023.docx",
                                                      "PDF": "arsredovisning-2023.pdf"}),
        "memo": write(tree_samples.memo()),
        "protocol": write(tree_samples.protocol()),
        "plan": write(html_samples.plan()),
        "hostile": write(html_samples.hostile()),
        "restyled": write(tree_samples.report(), style_from_reference(reference)),
        "index": index("Socialnämnden, Solna stad", [
            IndexEntry(2023, "Årsredovisning 2023", (("Webbsida", "2023/ar.html"),
                                                     ("Word", "2023/ar.docx"))),
            IndexEntry(2022, "Verksamhetsplan 2022", (("Webbsida", "2022/vp.html"),)),
        ]),
    }
    paths = {}
    for name, data in built.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    executable = find_chromium()
    if executable is None:
        _missing("Chromium is not installed")
    assert executable is not None
    with Chromium(executable) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        _missing(f"axe-core is not installed ({AXE})")
    return AXE.read_text(encoding="utf-8")


def _axe(browser: Chromium, source: str, options: dict[str, object]) -> list[dict[str, object]]:
    browser.evaluate(source)
    found = browser.evaluate(f"axe.run(document, {json.dumps(options)})"
                             ".then(r => r.violations.map(v => ({id: v.id, help: v.help, "
                             "nodes: v.nodes.map(n => n.target.join(' ') + ': ' + "
                             "n.failureSummary)})))", wait=True)
    return list(found)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation(name: str, pages: dict[str, Path], browser: Chromium,
                                     axe_source: str) -> None:
    for width in (1280, 320):
        browser.open(pages[name], width=width, height=800)
        violations = _axe(browser, axe_source, {"runOnly": {"type": "tag", "values": TAGS},
                                                "resultTypes": ["violations"]})
        assert violations == [], f"{name} at {width} px: {json.dumps(violations, indent=1)}"


def test_axe_sees_a_violation_where_there_is_one(tmp_path: Path, browser: Chromium,
                                                axe_source: str) -> None:
    """The harness itself: a page without a language, with a nameless button and pale text,
    is reported (an empty list above means the pages pass, not that axe did not run)."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><main>"
                      '<p style="color:#ddd">blek</p><button></button></main></body></html>',
                      encoding="utf-8")
    browser.open(broken)
    found = {v["id"] for v in _axe(browser, axe_source, {"runOnly": {"type": "tag",
                                                                     "values": TAGS}})}
    assert {"html-has-lang", "button-name", "color-contrast"} <= found


@pytest.mark.parametrize("name", PAGES)
def test_the_page_reflows_at_320_px(name: str, pages: dict[str, Path],
                                    browser: Chromium) -> None:
    """No horizontal scrolling of the page at 320 CSS pixels (WCAG 1.4.10); what is wider
    scrolls inside its own focusable region."""
    browser.open(pages[name], width=320, height=640)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 320
    regions = browser.evaluate(
        "[...document.querySelectorAll('.table-scroll')].map(e => ({wide: e.scrollWidth > "
        "e.clientWidth, overflow: getComputedStyle(e).overflowX, tabindex: e.tabIndex, "
        "role: e.getAttribute('role'), name: e.getAttribute('aria-labelledby')}))")
    for region in regions:
        assert region["role"] == "region" and region["tabindex"] == 0 and region["name"]
        if region["wide"]:
            assert region["overflow"] == "auto"


def test_a_wide_table_scrolls_in_its_region_not_the_page(pages: dict[str, Path],
                                                         browser: Chromium) -> None:
    """The sample's monthly table (fourteen columns) is wider than a phone."""
    browser.open(pages["report"], width=320, height=640)
    region = browser.evaluate(
        "(() => { const r = document.getElementById('m1').parentElement; "
        "return [r.scrollWidth, r.clientWidth, getComputedStyle(r).overflowX]; })()")
    assert region[0] > region[1] and region[2] == "auto"
    assert browser.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("name", ["report", "plan", "restyled"])
def test_every_chart_has_an_accessible_name(name: str, pages: dict[str, Path],
                                            browser: Chromium) -> None:
    browser.open(pages[name])
    count = browser.evaluate("document.querySelectorAll('svg').length")
    assert count >= 1
    for number in range(1, count + 1):
        label = browser.accessible_name(f"figure svg:nth-of-type({number})")
        assert label.strip(), f"picture {number} of {name} has no accessible name"
    first = browser.accessible_name("figure svg")
    caption = {"report": tree_samples.chart().caption,
               "restyled": tree_samples.chart().caption,
               "plan": html_samples.panels_chart().caption}[name]
    assert first.startswith(caption)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_requests_nothing_but_itself(name: str, pages: dict[str, Path],
                                            browser: Chromium) -> None:
    requests = browser.open(pages[name])
    assert requests == [pages[name].resolve().as_uri()]
    assert browser.evaluate("document.scripts.length") == 0


def test_the_hostile_texts_stay_text_in_the_browser(pages: dict[str, Path],
                                                    browser: Chromium) -> None:
    """The data's `<img onerror>` and `<script>` are characters on the page, not elements."""
    browser.open(pages["hostile"])
    assert browser.evaluate("document.querySelectorAll('img, script, iframe, object').length") \
        == 0
    assert browser.evaluate("document.title") == \
        f"{html_samples.HOSTILE} – {html_samples.HOSTILE}"
    assert html_samples.HOSTILE in browser.evaluate("document.querySelector('h1').textContent")
    hrefs = browser.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.protocol)")
    assert set(hrefs) <= {"https:", "http:", "mailto:", "file:"}  # file: the page's own #…
    inpage = browser.evaluate("[...document.querySelectorAll('main a[href^=\"#\"]')]"
                              ".map(a => !!document.getElementById(a.hash.slice(1)))")
    assert inpage and all(inpage)


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(pages: dict[str, Path],
                                                             browser: Chromium) -> None:
    browser.open(pages["report"])
    for kind in ("rawKeyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                "windowsVirtualKeyCode": 9})
    assert browser.evaluate("document.activeElement.className") == "skip-link"
    visible = browser.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    assert visible, "the focused skip link is on the screen"
    for kind in ("rawKeyDown", "char", "keyUp"):
        browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                                "text": "\r", "windowsVirtualKeyCode": 13})
    assert browser.evaluate("location.hash") == "#innehall"
    assert browser.evaluate("document.activeElement.tagName") == "MAIN"


def test_print_hides_the_navigation_and_honours_page_breaks(pages: dict[str, Path],
                                                           browser: Chromium) -> None:
    browser.open(pages["report"])
    browser.call("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        styles = browser.evaluate(
            "({nav: getComputedStyle(document.querySelector('nav')).display, "
            "cover: getComputedStyle(document.querySelector('header')).breakAfter, "
            "chapter: getComputedStyle(document.querySelector('section.break-before'))"
            ".breakBefore, link: getComputedStyle(document.querySelector('main a[href^=http]'),"
            " '::after').content})")
    finally:
        browser.call("Emulation.setEmulatedMedia", {"media": ""})
    assert styles["nav"] == "none"
    assert styles["cover"] == "page"
    assert styles["chapter"] == "page"
    assert "https://www.solna.se" in styles["link"]


@pytest.fixture(scope="module")
def built_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every page `build --all --format html` writes for the shipped data and the fixtures:
    each document's web edition and each organisation's index page."""
    from typer.testing import CliRunner

    from snplan.cli import app

    from .conftest import DATA, EXEMPELBY, OTHER_ORG

    root = tmp_path_factory.mktemp("built-html")
    found: list[Path] = []
    for name, data in (("solna", DATA), ("exempelby", EXEMPELBY), ("annan", OTHER_ORG),
                       ("norrby", ROOT / "tests" / "fixtures" / "norrby")):
        result = CliRunner().invoke(app, ["build", "--all", "--format", "html", "--data",
                                          str(data), "--out", str(root / name)])
        assert result.exit_code == 0, result.output
        found += sorted((root / name).rglob("*.html"))
    return found


def test_axe_finds_no_violation_on_any_built_page(built_pages: list[Path], browser: Chromium,
                                                  axe_source: str) -> None:
    """The pages the shipped data and the fixtures build (plans, reports, period reports,
    memos, protocols, index pages), at a desktop width and at 320 px."""
    # 15 shipped documents and Solna's index; the fixtures' documents and indexes
    assert len(built_pages) >= 30
    failures = {}
    for page in built_pages:
        for width in (1280, 320):
            browser.open(page, width=width, height=800)
            violations = _axe(browser, axe_source, {"runOnly": {"type": "tag", "values": TAGS},
                                                    "resultTypes": ["violations"]})
            if violations:
                failures[f"{page.name} at {width} px"] = violations
            if width == 320:
                assert browser.evaluate("document.documentElement.scrollWidth") <= 320, page
    assert failures == {}, json.dumps(failures, indent=1)

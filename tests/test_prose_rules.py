"""The prose expression language (`prose_rules`), its two walls in `templating`, and the
Markdown in prose that Word cannot place: what is allowed, what is refused, that validation
and evaluation refuse alike, and that the second wall holds on its own."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest

from snplan.prose.rules import expression_refusals, markdown_refusals, refusals
from snplan.prose.sandbox import (
    MAX_OUTPUT,
    ExpressionError,
    environment,
    evaluate,
    prose_environment,
    render_string,
)

from .hang_guard import hang_guard

NAMESPACE = {"ar": 2024, "ram": {"budget": Decimal("-88000"), "forandring": Decimal("-1500")},
             "enhet": {"ifo": {"budget": Decimal("-62000")}}, "tom": None}

ALLOWED = [
    ("Ramen är {{ ram.budget | abs | belopp }} tkr.", "Ramen är 88\u00a0000 tkr."),
    ("{{ ram.budget | abs | belopp(true) }}", "88\u00a0000 tkr"),
    ("{{ enhet['ifo'].budget | tal(1) }}", "-62\u00a0000,0"),
    ("{{ enhet.ifo.budget | tal(decimals=0) }}", "-62\u00a0000"),
    ("{{ (ram.forandring / ram.budget * 100) | procent(2) }}", "1,70 %"),
    ("{{ 'mer' if ram.forandring > 0 else 'mindre' }}", "mindre"),
    ("{{ ar - 1 }}–{{ ar + 1 }}", "2023–2025"),
    ("{{ ar ~ ' och ' ~ (ar // 2) }}", "2024 och 1012"),
    ("{{ ram.budget | round(0, 'floor') | int }}", "-88000"),
    ("{{ tom | default('saknas', true) | upper }}", "SAKNAS"),
    ("{{ ram is defined and not (ar is odd) }}", "True"),
    ("{{ ar in [2023, 2024] }} {{ ram | length }} {{ 'abc'[1:] }}", "True 2 bc"),
    ("{% raw %}{{ inte ett uttryck }}{% endraw %}", "{{ inte ett uttryck }}"),
    ("Ingen uttryck alls, {# en kommentar #} bara text.", None),
]

REFUSED = [
    ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
     "{% for %} is not allowed"),
    ("{{ ram and lipsum(10000000) }}", "calling 'lipsum(…)'"),
    ("{{ 'x'.ljust(3000000000) | length }}", "calling the method '.ljust(…)'"),
    ("{% set x = 1 %}", "{% set %} is not allowed"),
    ("{% if ram %}x{% endif %}", "{% if %} is not allowed"),
    ("{% include 'x.md.j2' %}", "{% include %} is not allowed"),
    ("{% macro m() %}{% endmacro %}", "{% macro %} is not allowed"),
    ("{% with a = 1 %}{% endwith %}", "{% with %} is not allowed"),
    ("{% filter upper %}x{% endfilter %}", "{% filter %} is not allowed"),
    ("{% autoescape false %}x{% endautoescape %}", "{% autoescape %} is not allowed"),
    ("{{ namespace(a=1) }}", "calling 'namespace(…)'"),
    ("{{ cycler }}", "'cycler' is one of Jinja's functions"),
    ("{{ range }}", "'range' is one of Jinja's functions"),
    ("{{ self }}", "'self' is one of Jinja's functions"),
    ("{{ '%0999999999d' % 1 }}", "'%' (text formatting"),
    ("{{ ar % 7 }}", "'%' (text formatting"),
    ("{{ 9 ** 9 ** 9 }}", "raising to a power"),
    ("{{ '{:>999999999}'.format(1) }}", "calling the method '.format(…)'"),
    ("{{ ar.to_bytes(999999999, 'big') }}", "calling the method '.to_bytes(…)'"),
    ("{{ 'x'.encode() }}", "calling the method '.encode(…)'"),
    ("{{ 'x'.zfill(10**9) }}", "calling the method '.zfill(…)'"),
    ("{{ 'x'.center(10) }}", "calling the method '.center(…)'"),
    ("{{ 'x' | center(3000000000) }}", "the filter 'center' is not allowed"),
    ("{{ 'x' | format(1) }}", "the filter 'format' is not allowed"),
    ("{{ 'x' | replace('', 'yy') }}", "the filter 'replace' is not allowed"),
    ("{{ 'x' | join(',') }}", "the filter 'join' is not allowed"),
    ("{{ ram | attr('budget') }}", "the filter 'attr' is not allowed"),
    ("{{ ram | map(attribute='budget') | list }}", "the filter 'map' is not allowed"),
    ("{{ ar | tal(1000000000) }}", "takes a number of decimals from 0 to 6"),
    ("{{ ar | tal(-1) }}", "takes a number of decimals from 0 to 6, got -1"),
    ("{{ ar | tal(1 + 1) }}", "takes a value written out here"),
    ("{{ ar | tal(ar) }}", "takes a value written out here"),
    ("{{ ar | procent(2.5) }}", "takes a number of decimals"),
    ("{{ ar | belopp(1) }}", "takes true or false"),
    ("{{ ar | round(2, 'up') }}", "rounds 'common', 'ceil' or 'floor'"),
    ("{{ ar | tal(1, 2) }}", "takes at most 1 argument"),
    ("{{ ar | tal(bredd=2) }}", "has no argument 'bredd'"),
    ("{{ ar | abs(*ram) }}", "*args or **kwargs"),
    ("{{ 'x' * 10**9 }}", "repeating a text or list"),
    ("{{ [ram] * 3 }}", "repeating a text or list"),
    ("{{ ''.__class__ }}", "reaches for '__class__'"),
    ("{{ ram['__class__'] }}", "reaches for '__class__'"),
    ("{{ _privat }}", "reaches for '_privat'"),
    ("{{ {'a': 1} }}", "a mapping literal"),
    ("{{ ar is sameas ar }}", "the test 'is sameas' is not allowed"),
    ("{{ ar(1) }}", "calling 'ar(…)'"),
    ("{{ ar", "the expression cannot be read"),
    ("{% for %}", "the expression cannot be read"),
    ("Rad ett\n{{ ar }\nrad tre", "(line 2 of the text)"),
    ("{{ ram" + ".budget" * 100_000 + " }}", "nested more than 50 levels deep"),
    ("{{ 1" + " + 1" * 100_000 + " }}", "nested more than 50 levels deep"),
    ("{{ ar" + " | abs" * 60 + " }}", "nested more than 50 levels deep"),
    ("{{ " + "(" * 10_000 + "1" + ")" * 10_000 + " }}", "nested too deeply to read"),
]


@pytest.mark.parametrize(("text", "shown"), ALLOWED)
def test_what_prose_may_say(text: str, shown: str | None) -> None:
    assert refusals(text) == []
    result = render_string(environment(None, "tkr"), text, NAMESPACE)
    if shown is not None:
        assert result == shown


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_what_prose_may_not_say_is_refused_alike(text: str, reason: str) -> None:
    """Validation (`refusals`) and evaluation (`render_string`) give the same reasons."""
    found = refusals(text)
    assert any(reason in r for r in found), found
    with hang_guard(), pytest.raises(ExpressionError) as raised:
        render_string(environment(None, "tkr"), text, NAMESPACE)
    assert str(raised.value) == "; ".join(expression_refusals(text))


def test_reasons_are_few_and_unrepeated() -> None:
    text = "{{ a.ljust(1) }}" * 50 + "{% for x in y %}{% endfor %}" * 50
    found = refusals(text)
    assert 1 <= len(found) <= 5 and len(set(found)) == len(found)


def test_a_text_without_expressions_is_not_parsed_as_jinja() -> None:
    # `{#` alone is no expression marker: the text is never evaluated, so never refused
    assert refusals("Kostnad {# per brukare") == []


def test_the_build_evaluates_the_texts_validation_checks() -> None:
    """The build's evaluation and validation's rules take the same texts as templates: an
    unclosed `{#` is text to both (the build used to evaluate it and fail on the comment
    validation had passed), a closed comment is removed."""
    from snplan.prose.evaluate import evaluate

    env = environment(None, "tkr")
    problems: list = []
    assert evaluate("Kostnad {# per brukare", None, env, {}, problems) == \
        "Kostnad {# per brukare"
    assert evaluate("Kostnad 12{# en slump #} kr", None, env, {}, problems) == "Kostnad 12 kr"
    assert problems == []


# --- the second wall: the prose sandbox on its own ------------------------------------------

def prose() -> object:
    return prose_environment(environment(None, "tkr"))


@pytest.mark.parametrize(("text", "reason"), [
    ("{{ range }}", "'range' is undefined"),                 # no Jinja globals
    ("{{ lipsum(10000000) }}", "calling a function or method is not allowed"),
    ("{{ s.ljust(3000000000) }}", "calling a function or method is not allowed"),
    ("{{ s | center(3000000000) }}", "No filter named 'center'"),
    ("{{ '%0999999999d' % 1 }}", "'%' is not allowed"),
    ("{{ 9 ** 9 }}", "'**' is not allowed"),
    ("{{ 'x' * 1000000000 }}", "repeating a text"),
    ("{{ s.__class__ }}", "unsafe"),
    ("{{ 1 | tal(1000000000) }}", "the number of decimals must be a whole number from 0 to 6"),
    ("{{ t | upper }}", "the filter makes more than"),
    ("{{ u ~ u ~ u }}", f"produce more than {MAX_OUTPUT} characters"),
    ("{{ 1 is sameas 1 }}", "No test named 'sameas'"),
])
def test_the_prose_sandbox_refuses_on_its_own(text: str, reason: str) -> None:
    namespace = {"s": "x", "t": "x" * (MAX_OUTPUT + 1), "u": "x" * (MAX_OUTPUT // 2 + 1)}
    with pytest.raises(ExpressionError, match=re.escape(reason)):
        evaluate(prose(), text, namespace)  # type: ignore[arg-type]


def test_a_loop_with_an_empty_body_is_cut_at_the_deadline() -> None:
    """Where no hook runs (an empty loop body), the timer signal ends the evaluation."""
    text = "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    # ten billion iterations: only the deadline ends them before the hang guard does
    with hang_guard(), pytest.raises(ExpressionError,
                                     match=r"takes longer than its budget \(0.3 s\)"):
        evaluate(prose(), text, {"s": "x" * 100_000}, seconds=0.3)  # type: ignore[arg-type]


def test_the_deadline_holds_off_the_main_thread() -> None:
    """Off the main thread (no timer signal there) the hooks check the deadline."""
    found: list[BaseException] = []

    def run() -> None:
        try:
            evaluate(prose(), "{{ s.x }}" * 100, {"s": {"x": 1}},  # type: ignore[arg-type]
                     seconds=0)
        except ExpressionError as exc:
            found.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert found and "takes longer than" in str(found[0])


def test_the_timer_is_given_back() -> None:
    """An evaluation leaves no timer or signal handler of its own behind."""
    import signal

    handler = signal.getsignal(signal.SIGALRM)
    evaluate(prose(), "{{ s }}", {"s": 1})  # type: ignore[arg-type]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


# --- Markdown in prose -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "reason"), [
    ("Se ![karta](https://example.org/k.png).", "a picture (https://example.org/k.png)"),
    ("Se ![karta](chart:x).", "a picture (chart:x)"),
    ("> Ett citat.", "a block quote"),
    ("Text\n\n> Ett citat.", "a block quote"),
    ("Text <b>fet</b>.", "raw HTML (<b>)"),
    ("<div>x</div>", "raw HTML (<div>x</div>)"),
    ("<!-- kommentar -->", "raw HTML (<!-- kommentar -->)"),
    ("- a\n\n  ```\n  kod\n  ```\n", "a list item holds a fenced block"),
    ("- a\n\n  # Rubrik\n", "a list item holds a heading"),
    ("- a\n\n  | x | y |\n  |---|---|\n  | 1 | 2 |\n", "a list item holds a table"),
    ("- a\n\n  > citat\n", "a list item holds a block quote"),
])
def test_markdown_word_cannot_place(text: str, reason: str) -> None:
    found = markdown_refusals(text)
    assert any(reason in r for r in found), found


@pytest.mark.parametrize("text", [
    "Vanlig text med **fet** och *kursiv* stil.",
    "- en\n- två\n  - tre\n\n1. ett\n2. två\n",
    "Om 3 < 4 och 5 > 2 är det sant.",
    "En länk <https://example.org> och [en till](https://example.org).",
    "Se ![inte en bild](file:///etc/passwd): Markdown gör den till text.",
    "# Rubrik\n\nText.",
    "a\n---\n",
])
def test_markdown_word_can_place(text: str) -> None:
    assert markdown_refusals(text) == []


# --- text stays text ---------------------------------------------------------------------

def test_character_entities_stay_text_in_every_filter() -> None:
    """What the reader of prose makes of a text, placed by the Word writer, reads as the data
    wrote it: an entity is not decoded, a '<' is not taken for HTML — in prose, in a line
    and in a cell."""
    import io

    from docx import Document

    from snplan.prose.markup import blocks, inline, lines
    from snplan.tree import Paragraph

    from .word_trees import render

    def shown(nodes: list) -> str:
        return Document(io.BytesIO(render(nodes))).paragraphs[0].text

    for text in ("A &amp; B", "&#65; &#x41;", "&lt;x&gt; &copy;", "R&D & co", "&;",
                 "a <b>fet</b> text"):
        assert shown(list(blocks(text))) == text
        assert shown([Paragraph(inline(text))]) == text
        assert shown([Paragraph(lines(text)[0])]) == text

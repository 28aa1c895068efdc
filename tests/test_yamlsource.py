"""Reading YAML safely, with the line of every value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from snplan.source.yamlsource import SourceError, nesting_depth, parse_text, read_file

from .conftest import DATA

P = Path("x.yaml")


def test_floats_become_exact_decimals() -> None:
    doc = parse_text("a: 42.4\nb: -268.6\nc: 7\n", P)
    assert doc.data == {"a": Decimal("42.4"), "b": Decimal("-268.6"), "c": 7}
    assert isinstance(doc.data["a"], Decimal)


def test_lines_are_recorded_for_keys_and_items() -> None:
    doc = parse_text("top:\n  rows:\n    - 1\n    - name: x\n      value: 2\n", P)
    assert doc.line_of(("top",)) == 1
    assert doc.line_of(("top", "rows")) == 2
    assert doc.line_of(("top", "rows", 1, "value")) == 5
    # a missing key is placed at its nearest ancestor
    assert doc.line_of(("top", "rows", 1, "missing")) == 4


def test_duplicate_key_is_an_error_naming_both_lines() -> None:
    with pytest.raises(SourceError) as info:
        parse_text("ar: 2023\nnamn: a\nar: 2024\n", P)
    assert info.value.line == 3
    assert "'ar' appears twice" in info.value.message
    assert "line 1" in info.value.message


def test_tab_indentation_is_explained() -> None:
    with pytest.raises(SourceError) as info:
        parse_text("a:\n\tb: 1\n", P)
    assert info.value.line == 2
    assert "tab" in info.value.message


def test_unclosed_quote_gives_a_line() -> None:
    with pytest.raises(SourceError) as info:
        parse_text('a: "open\nb: 2\n', P)
    assert info.value.line is not None
    assert "YAML syntax error" in info.value.message


@pytest.mark.parametrize(("text", "line", "noticed"), [
    # read on to the next quote (line 5), where the mapping breaks
    ('a:\n  b: "open\n  c: 2\n  d: 3\ne: "x"\n', 2, "on line 5"),
    ("a:\n  b: 'open\n  c: 2\nd: 'x'\n", 2, "on line 4"),
    # no further quote: the end of the file
    ('a: 1\nb: "open\nc: 2\n', 2, "never closed"),
])
def test_an_unclosed_quote_is_reported_where_it_opens(text: str, line: int,
                                                      noticed: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_text(text, P)
    assert info.value.line == line, info.value.message
    assert "the quote opened on this line" in info.value.message
    assert noticed in info.value.message


def test_a_quoted_text_over_several_lines_is_no_error() -> None:
    assert parse_text('a: "one\n  two"\nb: 2\n', P).data == {"a": "one two", "b": 2}


def test_other_syntax_errors_keep_their_line() -> None:
    with pytest.raises(SourceError) as info:
        parse_text('a: "x"\nb:\n  c: 1\n   d: 2\n', P)
    assert info.value.line == 4
    assert "quote" not in info.value.message


def test_a_nul_byte_in_text_is_named_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("a: 1\nb: åäö\x00\nc: 3\n".encode())
    with pytest.raises(SourceError) as info:
        read_file(path)
    assert info.value.line == 2
    assert "NUL character (character 7 of the line)" in info.value.message


def test_a_number_beyond_a_figure_names_its_field() -> None:
    for text in ("rader:\n  bidrag:\n    utfall: 1.0e+400\n",
                 "rader:\n  bidrag:\n    utfall: " + "9" * 50 + "\n"):
        with pytest.raises(SourceError) as info:
            parse_text(text, P)
        assert (info.value.line, info.value.field) == (3, "rader.bidrag.utfall")


def test_alias_bomb_is_refused() -> None:
    """Refused by counting values, not by the clock (`make bench` times it)."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(SourceError) as info:
        parse_text("\n".join(lines) + "\n", P)
    assert "alias bomb" in info.value.message


def test_deep_nesting_is_refused() -> None:
    text = "a: " + "[" * 200 + "]" * 200 + "\n"
    with pytest.raises(SourceError) as info:
        parse_text(text, P)
    assert "nested" in info.value.message


def test_binary_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\x00\x01\x02")
    with pytest.raises(SourceError, match="binary"):
        read_file(binary)
    latin = tmp_path / "l.yaml"
    latin.write_bytes("a: 1\nnamn: Västerås\n".encode("latin-1"))
    with pytest.raises(SourceError) as info:
        read_file(latin)
    assert info.value.line == 2
    assert "UTF-8" in info.value.message


def test_empty_file_has_no_data(tmp_path: Path) -> None:
    empty = tmp_path / "e.yaml"
    empty.write_text("# only a comment\n", encoding="utf-8")
    assert read_file(empty).data is None


def test_merge_keys_are_refused() -> None:
    with pytest.raises(SourceError, match="merge keys"):
        parse_text("base: &b {x: 1}\nother:\n  <<: *b\n", P)


def test_impossible_date_is_left_for_validation() -> None:
    assert parse_text("d: 2023-13-45\n", P).data == {"d": "2023-13-45"}


def test_python_tags_are_refused_with_a_line() -> None:
    with pytest.raises(SourceError) as info:
        parse_text("a: 1\nb: !!python/object/apply:os.system ['echo hi']\n", P)
    assert info.value.line == 2


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max([_depth(v) for v in value.values()] + [0])
    if isinstance(value, list):
        return 1 + max([_depth(v) for v in value] + [0])
    return 0


_leaves = st.one_of(st.integers(-10**6, 10**6), st.text(max_size=30),
                    st.sampled_from(["- x", "a: b", "[1, 2]", "{a: 1}", "# not a comment",
                                     "'quoted'", '"dq"', "|", ">"]))
_trees = st.recursive(_leaves, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.text(min_size=1, max_size=12), children, max_size=4)), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(tree=st.dictionaries(st.text(min_size=1, max_size=12), _trees, min_size=1, max_size=4),
       flow=st.sampled_from([False, True, None]), indent=st.sampled_from([2, 4]))
# a '#' inside a key is text, not a comment (found by this test)
@example(tree={"0": [{"0#": 0}]}, flow=False, indent=2)
# a key may begin with a no-break space, which is no YAML blank (found by this test)
@example(tree={"0": [{"\xa0": 0}]}, flow=False, indent=2)
def test_the_measured_depth_is_the_depth_yaml_reads(tree: dict, flow: bool | None,
                                                     indent: int) -> None:
    """The depth is measured on the text, before any parser: it must never be below what a
    parser reads (or a deep file would slip through) and, for what YAML writers produce, not
    above it by more than the one level a wrapped plain scalar may add."""
    text = yaml.safe_dump(tree, default_flow_style=flow, indent=indent, allow_unicode=True,
                          width=40)
    measured = nesting_depth(text)
    assert _depth(yaml.safe_load(text)) <= measured <= _depth(tree) + 1, text


def test_the_depth_of_the_shipped_data_is_exact() -> None:
    for path in sorted(DATA.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert nesting_depth(text) == _depth(yaml.safe_load(text)), path

"""The Word package: reading the style reference, writing the finished .docx.

A .docx is a zip of XML parts tied together by relationships and a content-type list. The
writer needs from the style reference its styles (names, ids, fonts and sizes, for measuring),
its page (size, margins, header and footer), its numbering, settings and theme, and it writes a
new package that carries all of them with a new body. Both are done here with zipfile and
lxml: python-docx's object layer costs more to import and to save than the whole body takes to
write, and it cannot be told to write the schema's element order.

The reference is untrusted input (an organisation supplies its own): its size is bounded
before anything is decompressed, its part names must be plain relative names (no `..`, no
absolute or drive paths, no duplicates), XML declaring a DOCTYPE or entities is refused, and
only the parts a Word file needs are carried into a built document (`_carried`): an unknown
part, an external relationship or a macro never reaches the people the documents go to.
Anything that is not a usable Word file is a `ReferenceError` with a plain message.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from ..errors import DataError
from ..messages import _
from ..source.reference import (
    XML_SUFFIXES,
    container_problem,
    declaration_problem,
    directory_problem,
    names_problem,
    part_name_problem,
    shown_name,
    size_problem,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_OFFICE_DOCUMENT = f"{RT}/officeDocument"
REL_STYLES = f"{RT}/styles"
REL_SETTINGS = f"{RT}/settings"
REL_NUMBERING = f"{RT}/numbering"
REL_THEME = f"{RT}/theme"
REL_HEADER = f"{RT}/header"
REL_FOOTER = f"{RT}/footer"
REL_IMAGE = f"{RT}/image"
REL_HYPERLINK = f"{RT}/hyperlink"
REL_FONT_TABLE = f"{RT}/fontTable"
REL_WEB_SETTINGS = f"{RT}/webSettings"
REL_FONT = f"{RT}/font"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = f"{RT}/extended-properties"
# Parts of a reference that would be wrong in a built document: the thumbnail shows the
# reference's own first page, and stylesWithEffects is a Word 2010 copy of the styles that
# disagrees with them as soon as the styles are edited (validators report it).
DROPPED_RELS = {
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
}

CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
# The parts of the reference a built document carries, by the relationship from the main
# document that leads to each, with the content type the part must have: what Word needs to
# show the styles, lists, page, header and footer. Everything else (the reference's body, its
# comments, custom XML, macros, embedded objects, a thumbnail) is left behind.
CARRIED_RELS = {
    REL_STYLES: f"{_WML}.styles+xml",
    REL_NUMBERING: f"{_WML}.numbering+xml",
    REL_SETTINGS: f"{_WML}.settings+xml",
    REL_THEME: "application/vnd.openxmlformats-officedocument.theme+xml",
    REL_FONT_TABLE: f"{_WML}.fontTable+xml",
    REL_WEB_SETTINGS: f"{_WML}.webSettings+xml",
    REL_HEADER: CT_HEADER,
    REL_FOOTER: CT_FOOTER,
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff",
                         "image/x-emf", "image/x-wmf", "image/svg+xml"})
CT_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# What a carried part may relate to in turn: pictures (a logo in the header), the fonts a
# font table embeds; and links, which lead out of the document but plant nothing in it.
SUB_RELS = {REL_IMAGE: IMAGE_TYPES, REL_FONT: frozenset({CT_FONT})}
# The package's own relationships a built document keeps (the properties are written anew).
PACKAGE_RELS = {REL_OFFICE_DOCUMENT, REL_CORE, REL_APP}

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_blank_text=False)


class ReferenceError(DataError):
    """The style reference is not a Word document the writer can use."""


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def parse_xml(data: bytes, what: str) -> etree._Element:
    """A part of the reference as XML. A DOCTYPE or an entity declaration is refused before
    the parser sees it (and the parser would neither resolve entities nor fetch anything)."""
    if declaration_problem(what, data) is not None:
        raise ReferenceError(_("{what} declares a DOCTYPE or entities, which Word files do not "
                               "hold").format(what=what))
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReferenceError(_("the XML of {what} is not well-formed: {exc}").format(
                                 what=what, exc=exc)) from None
    if root.getroottree().docinfo.doctype:
        raise ReferenceError(_("{what} declares a DOCTYPE, which Word files do not hold").format(
                                 what=what))
    return root


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


@dataclass
class Style:
    """What the layout needs to know about one style (its own settings, not inherited)."""

    id: str
    name: str
    kind: str
    based_on: str | None = None
    size: float | None = None  # points
    bold: bool | None = None
    font: str | None = None
    font_theme: str | None = None
    before: int | None = None  # spacing before, twips
    after: int | None = None
    line: int | None = None  # line spacing in 240ths (auto) or twips (exact/atLeast)
    line_rule: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    cell_left: int | None = None  # table styles: cell margins, twips
    cell_right: int | None = None
    colour: str | None = None  # text colour, six hex digits ("auto" is None)
    fill: str | None = None  # paragraph shading, six hex digits


@dataclass
class PageGeometry:
    """Page size and margins of the reference's (last) section, in twips."""

    width: int = 11906
    height: int = 16838
    top: int = 1417
    bottom: int = 1247
    left: int = 1417
    right: int = 1417

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> int:
        return self.height - self.top - self.bottom


def _on(element: etree._Element | None) -> bool | None:
    if element is None:
        return None
    return element.get(w("val"), "1").lower() not in {"0", "false", "off"}


def _int(element: etree._Element | None, attribute: str) -> int | None:
    if element is None or element.get(w(attribute)) is None:
        return None
    try:
        return int(float(element.get(w(attribute), "0")))
    except ValueError:
        return None


def _hex(element: etree._Element | None, attribute: str) -> str | None:
    """A colour attribute as six upper-case hex digits; None for "auto", absent or anything
    else (a reference is untrusted: its values end up in other formats' style sheets)."""
    value = element.get(w(attribute), "") if element is not None else ""
    if len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value):
        return value.upper()
    return None


def _read_style(element: etree._Element) -> Style:
    name = element.find(w("name"))
    based = element.find(w("basedOn"))
    style = Style(id=element.get(w("styleId"), ""),
                  name=name.get(w("val"), "") if name is not None else "",
                  kind=element.get(w("type"), "paragraph"),
                  based_on=based.get(w("val")) if based is not None else None)
    _read_run_props(style, element.find(w("rPr")))
    ppr = element.find(w("pPr"))
    if ppr is not None:
        spacing = ppr.find(w("spacing"))
        style.before = _int(spacing, "before")
        style.after = _int(spacing, "after")
        style.line = _int(spacing, "line")
        if spacing is not None:
            style.line_rule = spacing.get(w("lineRule"))
        style.fill = _hex(ppr.find(w("shd")), "fill")
        num = ppr.find(w("numPr"))
        if num is not None:
            num_id = num.find(w("numId"))
            ilvl = num.find(w("ilvl"))
            style.num_id = num_id.get(w("val")) if num_id is not None else None
            style.ilvl = _int(ilvl, "val")
    margins = element.find(f"{w('tblPr')}/{w('tblCellMar')}")
    if margins is not None:
        for side, names in (("cell_left", ("left", "start")), ("cell_right", ("right", "end"))):
            for name in names:
                value = _int(margins.find(w(name)), "w")
                if value is not None:
                    setattr(style, side, value)
                    break
    return style


def _read_run_props(style: Style, rpr: etree._Element | None) -> None:
    if rpr is None:
        return
    size = _int(rpr.find(w("sz")), "val")
    if size is not None:
        style.size = size / 2
    style.bold = _on(rpr.find(w("b")))
    style.colour = _hex(rpr.find(w("color")), "val")
    fonts = rpr.find(w("rFonts"))
    if fonts is not None:
        style.font = fonts.get(w("ascii")) or fonts.get(w("hAnsi"))
        style.font_theme = fonts.get(w("asciiTheme")) or fonts.get(w("hAnsiTheme"))


@dataclass
class StyleSheet:
    """The reference's styles by name and id, with inherited values resolved on demand."""

    by_id: dict[str, Style] = field(default_factory=dict)
    by_name: dict[str, Style] = field(default_factory=dict)
    default: Style = field(default_factory=lambda: Style("", "", "paragraph"))
    default_paragraph: str | None = None
    default_table: str | None = None
    theme_fonts: dict[str, str] = field(default_factory=dict)

    def find(self, name: str) -> Style | None:
        """A style by its name as Word shows it ("Heading 1", "caption" or "Caption")."""
        return self.by_name.get(name.lower())

    def id_of(self, name: str) -> str | None:
        style = self.find(name)
        return style.id if style is not None else None

    def _chain(self, style: Style | None) -> list[Style]:
        """The style, the styles it is based on, and the document defaults, nearest first.
        (A style based on nothing inherits from the defaults only, as in Word.)"""
        chain: list[Style] = []
        seen: set[str] = set()
        while style is not None and style.id not in seen:
            chain.append(style)
            seen.add(style.id)
            style = self.by_id.get(style.based_on) if style.based_on else None
        chain.append(self.default)
        return chain

    def resolved(self, name: str | None) -> Style:
        """Size, boldness, font, colour, shading and spacing of a paragraph style with
        everything it inherits (the paragraph default when `name` is None or unknown)."""
        start = self.find(name) if name else None
        if start is None:
            start = self.by_id.get(self.default_paragraph or "")
        result = Style(start.id if start else "", name or "", "paragraph")
        for style in self._chain(start):
            for attribute in ("size", "bold", "font", "font_theme", "before", "after", "line",
                              "line_rule", "num_id", "ilvl", "colour", "fill"):
                if getattr(result, attribute) is None and getattr(style, attribute) is not None:
                    setattr(result, attribute, getattr(style, attribute))
        if result.font_theme:  # in Word a theme font wins over a named one
            key = "major" if result.font_theme.startswith("major") else "minor"
            result.font = self.theme_fonts.get(key, result.font)
        result.size = result.size or 10.0
        result.bold = bool(result.bold)
        return result

    def table_cell_margins(self, name: str | None) -> tuple[int, int]:
        """Left and right cell margins (twips) that a table style sets or inherits; Word's
        default of 108 twips (0,19 cm) where none does."""
        left = right = None
        for style in self._chain(self.find(name) if name else None):
            left = style.cell_left if left is None else left
            right = style.cell_right if right is None else right
        return (108 if left is None else left, 108 if right is None else right)


def read_styles(data: bytes, theme: bytes | None) -> StyleSheet:
    root = parse_xml(data, "the reference's styles")
    sheet = StyleSheet()
    defaults = root.find(w("docDefaults"))
    if defaults is not None:
        _read_run_props(sheet.default, defaults.find(f"{w('rPrDefault')}/{w('rPr')}"))
        spacing = defaults.find(f"{w('pPrDefault')}/{w('pPr')}/{w('spacing')}")
        sheet.default.before = _int(spacing, "before")
        sheet.default.after = _int(spacing, "after")
        sheet.default.line = _int(spacing, "line")
        if spacing is not None:
            sheet.default.line_rule = spacing.get(w("lineRule"))
    for element in root.iter(w("style")):
        style = _read_style(element)
        sheet.by_id[style.id] = style
        sheet.by_name.setdefault(style.name.lower(), style)
        if _on(element.find(w("default"))) or element.get(w("default")) in {"1", "true", "on"}:
            if style.kind == "paragraph":
                sheet.default_paragraph = style.id
            elif style.kind == "table":
                sheet.default_table = style.id
    if theme is not None:
        theme_root = parse_xml(theme, "the reference's theme")
        for key in ("major", "minor"):
            latin = theme_root.find(f".//{{{A}}}{key}Font/{{{A}}}latin")
            if latin is not None and latin.get("typeface"):
                sheet.theme_fonts[key] = latin.get("typeface", "")
    return sheet


def _resolve(base_part: str, target: str) -> str:
    """A relationship target as a part name (no leading slash)."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def read_rels(data: bytes | None, what: str) -> list[Rel]:
    if data is None:
        return []
    root = parse_xml(data, what)
    return [Rel(e.get("Id", ""), e.get("Type", ""), e.get("Target", ""),
                e.get("TargetMode") == "External") for e in root.iter(f"{{{PR}}}Relationship")]


def write_rels(rels: list[Rel]) -> bytes:
    items = []
    for rel in rels:
        mode = ' TargetMode="External"' if rel.external else ""
        items.append(f'<Relationship Id="{attr(rel.id)}" Type="{attr(rel.type)}" '
                     f'Target="{attr(rel.target)}"{mode}/>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PR}">{"".join(items)}</Relationships>').encode()


def attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@dataclass
class Reference:
    """A style reference, read once per build process."""

    parts: dict[str, bytes]
    order: list[str]
    defaults: dict[str, str]  # content types by extension
    overrides: dict[str, str]  # content types by part name
    package_rels: list[Rel]
    main: str
    main_rels: list[Rel]
    styles: StyleSheet
    sect_pr: etree._Element
    page: PageGeometry
    header_part: str | None
    footer_part: str | None

    def part(self, rel_type: str) -> str | None:
        """The part the main document relates to with `rel_type` (styles, settings, …)."""
        for rel in self.main_rels:
            if rel.type == rel_type and not rel.external:
                return _resolve(self.main, rel.target)
        return None


def _read_zip(path: Path) -> tuple[dict[str, bytes], list[str]]:
    """The parts of the reference, within the bounds of `source.reference` and with the part
    names it allows (checked again on the archive opened here: the file may have changed
    since the build checked it)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReferenceError(_("cannot read the style reference {path}: {strerror}").format(
                                 path=path, strerror=exc.strerror)) \
            from None
    problem = size_problem(size)
    if problem is not None:
        raise ReferenceError(f"{problem} ({path})")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReferenceError(_("the style reference {path} is not a Word document (.docx): {exc}")
            .format(
                                 path=path, exc=exc)) from None
    with archive:
        infos = archive.infolist()
        problem = directory_problem(infos) or names_problem(infos)
        if problem is not None:
            raise ReferenceError(f"{problem} ({path})")
        parts: dict[str, bytes] = {}
        order: list[str] = []
        try:
            for info in infos:
                if info.is_dir():
                    continue
                with archive.open(info) as stream:
                    data = stream.read(info.file_size + 1)
                if len(data) > info.file_size:
                    raise ReferenceError(_("the style reference {path} lies about the size of "
                                           "{filename}").format(path=path, filename=info.filename))
                parts[info.filename] = data
                order.append(info.filename)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                NotImplementedError) as exc:
            raise ReferenceError(_("the style reference {path} cannot be unpacked: {exc}").format(
                                     path=path, exc=exc)) \
                from None
    return parts, order


def _geometry(sect_pr: etree._Element) -> PageGeometry:
    page = PageGeometry()
    size = sect_pr.find(w("pgSz"))
    margins = sect_pr.find(w("pgMar"))
    page.width = _int(size, "w") or page.width
    page.height = _int(size, "h") or page.height
    for side in ("top", "bottom", "left", "right"):
        value = _int(margins, side)
        if value is not None:
            setattr(page, side, abs(value))
    return page


def content_type(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> str:
    """The content type of a part: its override, else the default of its extension."""
    return overrides.get(name) or defaults.get(posixpath.splitext(name)[1][1:].lower(), "")


@dataclass
class _Carried:
    """What of the reference a built document carries: the parts (rels parts rewritten to
    the relationships kept) and the relationships of the main document and the package."""

    parts: dict[str, bytes]
    main_rels: list[Rel]
    package_rels: list[Rel]


def _target(base: str, rel: Rel, parts: dict[str, bytes]) -> str | None:
    """The part an internal relationship leads to, when it is one of `parts`."""
    if rel.external:
        return None
    name = _resolve(base, rel.target)
    return name if name in parts else None


def _kept_main_rels(main: str, rels: list[Rel], parts: dict[str, bytes],
                    types: tuple[dict[str, str], dict[str, str]]) -> list[Rel]:
    """The main document's relationships to the parts a Word file needs (CARRIED_RELS),
    each leading to a part of the content type its kind requires."""
    kept = []
    for rel in rels:
        name = _target(main, rel, parts) if rel.type in CARRIED_RELS else None
        if name is not None and content_type(name, *types) == CARRIED_RELS[rel.type]:
            kept.append(rel)
    return kept


def _kept_sub_rels(part: str, rels: list[Rel], parts: dict[str, bytes],
                   types: tuple[dict[str, str], dict[str, str]]) -> list[Rel]:
    """A carried part's relationships that are kept: to pictures and embedded fonts inside
    the package (SUB_RELS), and links out of it."""
    kept = []
    for rel in rels:
        if rel.type == REL_HYPERLINK and rel.external:
            kept.append(rel)
            continue
        name = _target(part, rel, parts) if rel.type in SUB_RELS else None
        if name is not None and content_type(name, *types) in SUB_RELS[rel.type]:
            kept.append(rel)
    return kept


def _without_rels(data: bytes, part: str, dropped: set[str]) -> bytes:
    """A part without the elements that name a relationship it no longer has (a linked
    picture, an attached template, a mail-merge source), so no reference dangles."""
    root = parse_xml(data, f"the reference's part {shown_name(part)}")
    doomed = [element for element in root.iter()
              if any(etree.QName(key).namespace == R and value in dropped
                     for key, value in element.attrib.items())]
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _carry_part(part: str, parts: dict[str, bytes], carried: dict[str, bytes],
                types: tuple[dict[str, str], dict[str, str]]) -> None:
    """Carry one needed part with the relationships it may keep and what they lead to."""
    carried[part] = parts[part]
    rels_part = rels_name(part)
    if rels_part not in parts:
        return
    rels = read_rels(parts[rels_part], f"the relationships of {shown_name(part)}")
    kept = _kept_sub_rels(part, rels, parts, types)
    dropped = {rel.id for rel in rels} - {rel.id for rel in kept}
    if dropped:
        carried[part] = _without_rels(parts[part], part, dropped)
    if kept:
        carried[rels_part] = write_rels(kept)
    for rel in kept:
        name = _target(part, rel, parts)
        if name is not None:
            carried[name] = parts[name]


def _kept_package_rels(rels: list[Rel]) -> list[Rel]:
    """The package's relationships to the main document and the document properties (which
    are written anew, so only where they go is kept, and only to a plain part name)."""
    return [rel for rel in rels if rel.type in PACKAGE_RELS and not rel.external
            and part_name_problem(_resolve("", rel.target)) is None]


def _carried(main: str, main_rels: list[Rel], package_rels: list[Rel],
             parts: dict[str, bytes], types: tuple[dict[str, str], dict[str, str]]
             ) -> _Carried:
    """The allow-list: of the reference's parts only the main document (its body is
    replaced) and the parts CARRIED_RELS name, with their pictures and fonts; every carried
    XML part is checked for declarations."""
    kept = _kept_main_rels(main, main_rels, parts, types)
    carried: dict[str, bytes] = {main: parts[main]}
    for rel in kept:
        name = _target(main, rel, parts)
        if name is not None and name not in carried:
            _carry_part(name, parts, carried, types)
    for name, data in carried.items():
        if name.lower().endswith(XML_SUFFIXES):
            problem = declaration_problem(name, data)
            if problem is not None:
                raise ReferenceError(problem)
    package = _kept_package_rels(package_rels)
    # Parts every build writes anew keep their place in the package's order: the main
    # document's relationships and the document properties.
    for name in [rels_name(main), *(_resolve("", rel.target) for rel in package
                                    if rel.type != REL_OFFICE_DOCUMENT)]:
        if name in parts:
            carried.setdefault(name, parts[name])
    return _Carried(carried, kept, package)


def _content_types(parts: dict[str, bytes]) -> tuple[dict[str, str], dict[str, str]]:
    """The reference's content types: defaults by extension, overrides by part name."""
    if "[Content_Types].xml" not in parts:
        raise ReferenceError(_("the style reference is not a Word document: it has no "
                               "content-type list"))
    types = parse_xml(parts["[Content_Types].xml"], _("the reference's content types"))
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "")
                for e in types.iter(f"{{{CT}}}Default")}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "")
                 for e in types.iter(f"{{{CT}}}Override")}
    return defaults, overrides


def _carried_types(carried: dict[str, bytes], defaults: dict[str, str],
                   overrides: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The content types of the carried parts only: overrides for those that have one,
    defaults for the extensions of the others, and the standard ones for XML and rels."""
    kept_overrides = {name: kind for name, kind in overrides.items() if name in carried}
    kept_defaults = {"rels": CT_RELS, "xml": "application/xml"}
    for name in carried:
        extension = posixpath.splitext(name)[1][1:].lower()
        if name not in kept_overrides and extension not in kept_defaults:
            kept_defaults[extension] = defaults.get(extension, "")
    return kept_defaults, kept_overrides


def _load(path: Path) -> Reference:
    parts, order = _read_zip(path)
    try:
        defaults, overrides = _content_types(parts)
    except ReferenceError as exc:
        raise ReferenceError(f"{exc} ({path})") from None
    package_rels = read_rels(parts.get("_rels/.rels"), "the reference's relationships")
    main = next((_resolve("", r.target) for r in package_rels
                 if r.type == REL_OFFICE_DOCUMENT and not r.external), None)
    if main is None or main not in parts:
        raise ReferenceError(_("the style reference {path} is not a Word document: it has no "
                               "main document part").format(path=path))
    main_rels = read_rels(parts.get(rels_name(main)), _("the reference's document relationships"))
    carried = _carried(main, main_rels, package_rels, parts, (defaults, overrides))
    defaults, overrides = _carried_types(carried.parts, defaults, overrides)
    parts = carried.parts
    order = [name for name in order if name in parts] + \
        sorted(name for name in parts if name not in order)
    main_rels = carried.main_rels
    document = parse_xml(parts[main], "the reference's document")
    body = document.find(w("body"))
    sect_pr = body.find(w("sectPr")) if body is not None else None
    if sect_pr is None:
        sect_pr = etree.Element(w("sectPr"))
    by_id = {r.id: r for r in main_rels}

    def referenced(kind: str) -> str | None:
        for element in sect_pr.findall(w(f"{kind}Reference")):
            if element.get(w("type"), "default") == "default":
                rel = by_id.get(element.get(f"{{{R}}}id", ""))
                if rel is not None and _resolve(main, rel.target) in parts:
                    return _resolve(main, rel.target)
        return None

    reference = Reference(parts=parts, order=order, defaults=defaults, overrides=overrides,
                          package_rels=carried.package_rels, main=main, main_rels=main_rels,
                          styles=StyleSheet(), sect_pr=sect_pr, page=_geometry(sect_pr),
                          header_part=referenced("header"), footer_part=referenced("footer"))
    styles_part = reference.part(REL_STYLES)
    if styles_part is None or styles_part not in parts:
        raise ReferenceError(_("the style reference {path} has no styles").format(path=path))
    theme_part = reference.part(REL_THEME)
    reference.styles = read_styles(parts[styles_part], parts.get(theme_part or ""))
    return reference


@lru_cache(maxsize=4)
def _cached(path: str, mtime: int, size: int) -> Reference:
    del mtime, size  # part of the cache key: a changed file is read again
    return _load(Path(path))


def load_reference(path: Path) -> Reference:
    """The parsed reference at `path`, read once per process while the file is unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ReferenceError(_("cannot read the style reference {path}: {strerror}").format(
                                 path=path, strerror=exc.strerror)) \
            from None
    return _cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


class PackageWriter:
    """A new package: the reference's parts, replaced and added parts, written reproducibly
    (fixed timestamps and attributes, a fixed order), so the same input gives the same bytes."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        dropped = {_resolve(reference.main, r.target) for r in reference.main_rels
                   if r.type in DROPPED_RELS}
        dropped |= {_resolve("", r.target) for r in reference.package_rels
                    if r.type in DROPPED_RELS}
        self.parts: dict[str, bytes] = {name: data for name, data in reference.parts.items()
                                        if name not in dropped}
        self.order = [name for name in reference.order if name in self.parts]
        self.defaults = dict(reference.defaults)
        self.overrides = {name: kind for name, kind in reference.overrides.items()
                          if name not in dropped}
        self.stored: set[str] = set()
        self.main_rels = [r for r in reference.main_rels if r.type not in DROPPED_RELS]
        self.package_rels = [r for r in reference.package_rels if r.type not in DROPPED_RELS]
        self._next_id = 1 + max((int(r.id[3:]) for r in self.main_rels
                                 if r.id.startswith("rId") and r.id[3:].isdigit()), default=0)

    def set(self, name: str, data: bytes, content_type: str | None = None, *,
            stored: bool = False) -> None:
        if name not in self.parts:
            self.order.append(name)
        self.parts[name] = data
        if content_type is not None:
            self.overrides[name] = content_type
        if stored:
            self.stored.add(name)

    def unused_name(self, pattern: str) -> str:
        """The first part name `pattern.format(n)` not yet taken."""
        number = 1
        while pattern.format(number) in self.parts:
            number += 1
        return pattern.format(number)

    def relate(self, rel_type: str, target: str, *, external: bool = False) -> str:
        """A new relationship from the main document; returns its id."""
        rel_id = f"rId{self._next_id}"
        self._next_id += 1
        self.main_rels.append(Rel(rel_id, rel_type, target, external))
        return rel_id

    def _content_types(self) -> bytes:
        items = [f'<Default Extension="{attr(ext)}" ContentType="{attr(kind)}"/>'
                 for ext, kind in sorted(self.defaults.items())]
        items += [f'<Override PartName="/{attr(name)}" ContentType="{attr(kind)}"/>'
                  for name, kind in sorted(self.overrides.items()) if name in self.parts]
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Types xmlns="{CT}">{"".join(items)}</Types>').encode()

    def to_bytes(self) -> bytes:
        self.defaults.setdefault("rels", CT_RELS)
        self.defaults.setdefault("xml", "application/xml")
        self.set(rels_name(self.reference.main), write_rels(self.main_rels))
        self.set("_rels/.rels", write_rels(self.package_rels))
        names = ["[Content_Types].xml", "_rels/.rels",
                 *[n for n in self.order if n not in {"[Content_Types].xml", "_rels/.rels"}]]
        self.parts["[Content_Types].xml"] = self._content_types()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in names:
                entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
                entry.compress_type = (zipfile.ZIP_STORED if name in self.stored
                                       else zipfile.ZIP_DEFLATED)
                entry.external_attr = 0o644 << 16
                entry.create_system = 3
                archive.writestr(entry, self.parts[name])
        return buffer.getvalue()


def reference_problem(path: Path) -> str | None:
    """Why `path` cannot serve as the style reference of a build, or None: the container
    checks, then the Word writer reading it (its styles, page and parts, bounded by them), so
    a part that is not the XML Word writes is named before any document is rendered. The
    writer keeps what it read for the build, so the reference is read once."""
    problem = container_problem(path)
    if problem is not None:
        return problem
    try:
        load_reference(path)
    except ReferenceError as exc:
        return _("the style reference cannot be used as a Word document: {exc}").format(exc=exc)
    except Exception as exc:  # any other failure to read it is the file's, said plainly
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return _("the style reference cannot be opened as a Word document: {first}").format(
                   first=first)
    return None

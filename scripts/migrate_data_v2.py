"""One-off migration of a data directory from snplan's first data shape (a plan and a report as
fixed lists of Solna's chapters) to documents as outlines of typed blocks (issue 11).

It was run once on the shipped data (`data/`) and on the test fixtures; it is kept so that the
move can be read and repeated on another organisation's data written for the first shape:

    pip install ruamel.yaml   # round-trip YAML keeps the files' comments and layout
    python scripts/migrate_data_v2.py DATA_DIR

The data is moved, not re-typed: every value is carried to its new key, prose expressions are
rewritten to the new names (`netto.utfall` → `resultatrakning.summa.utfall`), and the headings
the old templates supplied (Internationellt, Likabehandling, Miljö) are written into the data.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

yaml = YAML()
yaml.preserve_quotes = True
yaml.width = 4096
yaml.indent(mapping=2, sequence=4, offset=2)


def cmap(pairs: list[tuple[str, Any]]) -> CommentedMap:
    result = CommentedMap()
    for key, value in pairs:
        if value is not None:
            result[key] = value
    return result


def replace_keys(data: CommentedMap, old: list[str], new: list[tuple[str, Any]]) -> None:
    """Replace the keys `old` by the pairs `new`, at the position of the first old key."""
    present = [k for k in old if k in data]
    position = list(data).index(present[0]) if present else len(data)
    comments = {}
    for key in present:
        if key in data.ca.items:
            comments[key] = data.ca.items.pop(key)
        del data[key]
    for offset, (key, value) in enumerate(p for p in new if p[1] is not None):
        data.insert(position + offset, key, value)
    first_new = next((k for k, v in new if v is not None), None)
    if present and first_new and present[0] in comments:
        data.ca.items[first_new] = comments[present[0]]


# ------------------------------------------------------------------ prose expressions

PLAN_NAMES = [
    (r"\bram\.(budget|fjol|forandring)\b", r"driftbudget.summa.\1"),
    (r"\bintakter\.(budget|fjol|forandring)\b", r"driftbudget.intakter.\1"),
    (r"\bkostnader\.(budget|fjol|forandring)\b", r"driftbudget.kostnader.\1"),
    (r"\benhet\[", "budget_per_enhet["),
]
REPORT_NAMES = [
    (r"\bnetto\.", "resultatrakning.summa."),
    (r"(?<![.\w])intakter\.", "resultatrakning.intakter."),
    (r"(?<![.\w])kostnader\.", "resultatrakning.kostnader."),
    (r"\bkonto\[", "resultatrakning["),
    (r"\bverksamhet\[", "verksamheter["),
    (r"\bpersonal\.(\w+)_fjol\b", r"personal.\1.fjol"),
    (r"\bpersonal\.(\w+)\b(?!\.)", r"personal.\1.utfall"),
    (r"\bnyckeltal_fjol(\[[^\]]+\])", r"nyckeltal\1.fjol"),
    (r"\bnyckeltal(\[[^\]]+\])(?!\.)", r"nyckeltal\1.utfall"),
]


def rewrite(value: Any, names: list[tuple[str, str]]) -> Any:
    """Every prose expression in a value, with the names of the new namespace."""
    if isinstance(value, str):
        if "{{" not in value:
            return value

        def inner(match: re.Match[str]) -> str:
            text = match.group(0)
            for pattern, replacement in names:
                text = re.sub(pattern, replacement, text)
            return text

        new = re.sub(r"\{\{.*?\}\}", inner, value, flags=re.DOTALL)
        return LiteralScalarString(new) if isinstance(value, LiteralScalarString) else new
    if isinstance(value, dict):
        for key in list(value):
            value[key] = rewrite(value[key], names)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = rewrite(item, names)
    return value


# ------------------------------------------------------------------ pieces


def section_with_heading(value: Any, heading: str) -> Any:
    """A section that had its heading from the old template gets it in the data."""
    if isinstance(value, str):
        return cmap([("rubrik", heading), ("text", value)])
    if "rubrik" not in value:
        value.insert(0, "rubrik", heading)
    return value


def cross_sector(value: CommentedMap, miljo: str) -> CommentedMap:
    subs = CommentedSeq()
    for key, heading in (("internationellt", "Internationellt"),
                         ("likabehandling", "Likabehandling"), ("miljo", miljo)):
        if key in value:
            subs.append(section_with_heading(value[key], heading))
    return cmap([("text", value.get("text")), ("underavsnitt", subs or None)])


def figures(rows: dict[str, Any], totals: list[tuple[str, Any]]) -> CommentedMap:
    result = CommentedMap()
    for key, value in rows.items():
        result[key] = value
    for key, value in totals:
        if value is not None:
            result[key] = value
    return result


def migrate_plan(data: CommentedMap, org: CommentedMap) -> None:
    if "vision" in data:
        vision = data["vision"]
        goals = CommentedSeq(cmap([("namn", g["rubrik"]), ("text", g["text"])])
                             for g in vision.get("overgripande_mal", []))
        replace_keys(data, ["vision"], [("vision", cmap([
            ("text", vision.get("inledning")), ("vision", vision["vision"]),
            ("mal_text", vision.get("mal_inledning")), ("mal", goals or None)]))])
    if "namndmal" in data or "namndmal_text" in data:
        replace_keys(data, ["namndmal_text", "namndmal"], [("namndmal", cmap([
            ("text", data.get("namndmal_text")), ("mal", data.get("namndmal"))]))])
    if "uppdrag" in data or "uppdrag_text" in data:
        items = CommentedSeq(cmap([("id", u["id"]), ("namn", u["text"])])
                             for u in data.get("uppdrag", []))
        replace_keys(data, ["uppdrag_text", "uppdrag"], [("uppdrag", cmap([
            ("text", data.get("uppdrag_text")), ("uppdrag", items or None)]))])
    if "organisation" in data:
        subs = CommentedSeq(cmap([("rubrik", o["rubrik"]), ("text", LiteralScalarString(
            "".join(f"- {p}\n" for p in o["punkter"])))]) for o in data["organisation"])
        replace_keys(data, ["organisation"], [("organisation", cmap([("underavsnitt", subs)]))])
    if "budget" in data:
        budget = data["budget"]
        drift = budget["drift"]
        main = figures(CommentedMap([("intakter", drift["intakter"]),
                                     ("kostnader", drift["kostnader"])]),
                       [("summa", drift.get("netto"))])
        units = figures(drift.get("per_enhet", {}), [("summa", drift.get("summa_per_enhet"))])
        label = {r["id"]: r["namn"] for r in org["indelningar"]["investeringar"]["rader"]}
        investments = CommentedMap()
        for item in budget.get("investeringar", []):
            row = CommentedMap([("budget", item["belopp"])])
            if item["namn"] != label["inventarier"]:
                row.insert(0, "namn", item["namn"])
            investments["inventarier"] = row if len(row) > 1 else item["belopp"]

        def table(text: Any, rows: CommentedMap) -> CommentedMap:
            return cmap([("text", text), ("rader", rows)]) if text else rows

        replace_keys(data, ["budget"], [
            ("driftbudget", table(budget.get("text"), main)),
            ("budget_per_enhet", table(budget.get("per_enhet_text"), units) if units else None),
            ("investeringsbudget", table(budget.get("investeringar_text"), investments)
             if investments else None)])
    if "taxor" in data:
        rows = CommentedSeq()
        for fee in data["taxor"].get("rader", []):
            rows.append(cmap([("namn", fee["namn"]),
                              ("beslutad", f"{fee['beslutad_av']} {fee['beslutsdatum']}"),
                              ("status", fee["status"]), ("nytt_beslut", fee.get("nytt_beslut")),
                              ("galler_fran", fee["galler_fran"])]))
        replace_keys(data, ["taxor"], [("taxor", cmap([("text", data["taxor"].get("text")),
                                                       ("rader", rows)]))])
    if "tvarsektoriellt" in data:
        replace_keys(data, ["tvarsektoriellt"], [
            ("tvarsektoriellt", cross_sector(data["tvarsektoriellt"], "Miljö"))])
    if "konkurrensutsattning" in data:
        k = data["konkurrensutsattning"]
        replace_keys(data, ["konkurrensutsattning"], [
            ("konkurrensutsattning", k.get("text") or None),
            ("befintliga_avtal", cmap([("rader", k.get("avtal", CommentedSeq()))])),
            ("nya_upphandlingsbehov", cmap([("rader", CommentedSeq(
                cmap([("namn", n)]) for n in k.get("nya_behov", [])))]))])
    if "intern_kontroll" in data:
        ic = data["intern_kontroll"]
        replace_keys(data, ["intern_kontroll"], [
            ("intern_kontroll", ic.get("text") or None),
            ("internkontrollplan", cmap([("rader", ic.get("plan", CommentedSeq()))]))])
    rewrite(data, PLAN_NAMES)


def migrate_report(data: CommentedMap) -> None:
    if "mal_och_uppdrag_text" in data:
        replace_keys(data, ["mal_och_uppdrag_text"],
                     [("mal_och_uppdrag", data["mal_och_uppdrag_text"])])
    if "malbedomningar" in data or "namndmal_text" in data:
        replace_keys(data, ["namndmal_text", "malbedomningar"], [("namndmal", cmap([
            ("text", data.get("namndmal_text")), ("mal", data.get("malbedomningar"))]))])
    if "uppdrag" in data or "uppdrag_text" in data:
        items = CommentedSeq(cmap([("id", u["id"]), ("namn", u["text"]),
                                   ("bedomning", u["status"]),
                                   ("text", u.get("kommentar") or None)])
                             for u in data.get("uppdrag", []))
        replace_keys(data, ["uppdrag_text", "uppdrag"], [("uppdrag", cmap([
            ("text", data.get("uppdrag_text")), ("uppdrag", items or None)]))])
    if "ekonomi" in data:
        e = data["ekonomi"]
        statement = e["resultatrakning"]
        rows = figures(statement["rader"], [("intakter", statement.get("summa_intakter")),
                                            ("kostnader", statement.get("summa_kostnader")),
                                            ("summa", statement.get("netto"))])
        activities = None
        if "verksamheter" in e:
            activities = figures(e["verksamheter"]["rader"],
                                 [("summa", e["verksamheter"].get("netto"))])
        investments = None
        if e.get("investeringar"):
            item = e["investeringar"][0]
            investments = CommentedMap(
                (k, item[k]) for k in ("utfall", "budget", "prognos") if k in item)
            investments = CommentedMap([("investeringar", investments)])

        def table(rows: CommentedMap | None, before: Any = None, after: Any = None) -> Any:
            if rows is None:
                return None
            if before or after:
                return cmap([("text", before or None), ("rader", rows),
                             ("efter", after or None)])
            return rows

        replace_keys(data, ["ekonomi"], [
            ("driftredovisning", e.get("driftredovisning")),
            ("resultatrakning", table(rows, after=e.get("resultatrakning_kommentar"))),
            ("verksamheter", table(activities, after=e.get("verksamheter_kommentar"))),
            ("investeringar", table(investments, before=e.get("investeringar_text"))
             if investments is not None or e.get("investeringar_text") else None)])
    if "personal" in data:
        p = data["personal"]
        rows = CommentedMap((k, p[k]) for k in ("antal_anstallda", "kvinnor", "man",
                                                 "arsarbetare", "sjukfranvaro", "hme")
                            if k in p)
        replace_keys(data, ["personal"], [("personal", cmap([
            ("text", p.get("text") or None), ("rader", rows),
            ("fotnoter", p.get("fotnoter") or None)]) if p.get("text") or p.get("fotnoter")
            else rows)])
    if "tvarsektoriellt" in data:
        replace_keys(data, ["tvarsektoriellt"], [
            ("tvarsektoriellt", cross_sector(data["tvarsektoriellt"], "Miljö och klimat"))])
    if "konkurrensutsattning" in data:
        k = data["konkurrensutsattning"]
        replace_keys(data, ["konkurrensutsattning"], [
            ("upphandlingar", cmap([("rader", k.get("upphandlingar", CommentedSeq())),
                                    ("efter", k.get("upphandlingar_text") or None)])),
            ("avtalsuppfoljning", k.get("avtalsuppfoljning") or None)])
    if "intern_kontroll" in data:
        ic = data["intern_kontroll"]
        replace_keys(data, ["intern_kontroll"], [
            ("intern_kontroll", ic.get("text") or None),
            ("internkontroll_uppfoljning", cmap([("rader", ic.get("uppfoljning",
                                                                  CommentedSeq()))]))])
    if "aterrapportering" in data:
        a = data["aterrapportering"]
        rows = CommentedSeq()
        for decision in a.get("beslut", []):
            rows.append(cmap([("organ", decision.get("organ", "SN")),
                              ("sammantrade", decision["sammantrade"]),
                              ("arende", decision["arende"]),
                              ("diarienummer", decision.get("diarienummer")),
                              ("beslut", decision["beslut"]),
                              ("aterrapportering", decision["aterrapportering"])]))
        replace_keys(data, ["aterrapportering"], [("aterrapportering", cmap([
            ("text", a.get("text") or None), ("rader", rows),
            ("efter", a.get("avslutning") or None)]))])
    rewrite(data, REPORT_NAMES)


def migrate_memo(data: CommentedMap) -> None:
    document = data.get("dokument")
    if document == "arsredovisning":
        rewrite(data, REPORT_NAMES)
    elif document == "verksamhetsplan":
        rewrite(data, PLAN_NAMES)


def migrate_protocol(data: CommentedMap) -> None:
    for stance in data.pop("stallningstaganden", []) or []:
        paragraph = data["paragrafer"][stance["paragraf"] - 1]
        paragraph.setdefault("stallningstaganden", CommentedSeq()).append(
            cmap([("fack", stance["fack"]), ("stallning", stance["stallning"])]))
    rewrite(data, PLAN_NAMES)


def migrate_organisation(data: CommentedMap) -> None:
    rows = {"intakt": CommentedSeq(), "kostnad": CommentedSeq()}
    for account in data.get("konton", []):
        rows[account["typ"]].append(cmap([("id", account["id"]), ("namn", account["namn"])]))
    breakdowns = CommentedMap()
    breakdowns["driftbudget"] = cmap([
        ("namn", "Driftbudget, nämnd"), ("summa", "Nettokostnader"),
        ("rader", CommentedSeq([cmap([("id", "intakter"), ("namn", "Intäkter")]),
                                cmap([("id", "kostnader"), ("namn", "Kostnader")])]))])
    breakdowns["enheter"] = cmap([
        ("namn", "Driftbudget per verksamhet"), ("summa", "Summa nettokostnader"),
        ("samma_summa_som", CommentedSeq(["driftbudget"])), ("rader", data.get("enheter"))])
    if data.get("konton"):
        breakdowns["konton"] = cmap([
            ("namn", "Resultaträkning"), ("summa", "Verksamhetens nettokostnader"),
            ("samma_summa_som", CommentedSeq(["driftbudget"])),
            ("rader", CommentedSeq([
                cmap([("id", "intakter"), ("namn", "Intäkter"), ("summa", "Summa intäkter"),
                      ("rader", rows["intakt"])]),
                cmap([("id", "kostnader"), ("namn", "Kostnader"),
                      ("summa", "Summa kostnader"), ("rader", rows["kostnad"])])]))])
    if data.get("verksamheter"):
        breakdowns["verksamheter"] = cmap([
            ("namn", "Verksamheter"), ("summa", "Verksamhetens nettokostnader"),
            ("samma_summa_som", CommentedSeq(["konton"])), ("rader", data["verksamheter"])])
    breakdowns["investeringar"] = cmap([
        ("namn", "Investeringsbudget"), ("summa", "Summa"),
        ("rader", CommentedSeq([cmap([("id", "inventarier"),
                                      ("namn", "Kapitalinventarier, arbetsmiljöåtgärder m.m.")])
                                ]))])
    breakdowns["investeringsredovisning"] = cmap([
        ("namn", "Investeringsredovisning"),
        ("rader", CommentedSeq([cmap([("id", "investeringar"),
                                      ("namn", "Verksamhetens investeringar")])]))])
    breakdowns["personal"] = cmap([
        ("namn", "Väsentliga personalförhållanden"), ("exakt", True),
        ("rader", CommentedSeq([
            cmap([("id", "antal_anstallda"), ("namn", "Antal anställda"), ("enhet", "personer"),
                  ("decimaler", 0), ("placering", "fore"), ("rader", CommentedSeq([
                      cmap([("id", "kvinnor"), ("namn", "- varav kvinnor"),
                            ("enhet", "personer"), ("decimaler", 0)]),
                      cmap([("id", "man"), ("namn", "- varav män"), ("enhet", "personer"),
                            ("decimaler", 0)])]))]),
            cmap([("id", "arsarbetare"), ("namn", "Antal årsarbetare i snitt"),
                  ("enhet", "årsarbetare"), ("decimaler", 1)]),
            cmap([("id", "sjukfranvaro"), ("namn", "Sjukfrånvaro, %"),
                  ("enhet", "procent"), ("decimaler", 1)]),
            cmap([("id", "hme"), ("namn", "Hållbart medarbetarengagemang-index (HME)"),
                  ("enhet", "index"), ("decimaler", 1)])]))])
    if data.get("nyckeltal"):
        breakdowns["nyckeltal"] = cmap([("namn", "Nyckeltal"), ("rader", data["nyckeltal"])])
    replace_keys(data, ["enheter", "verksamheter", "konton"],
                 [("indelningar", breakdowns)])
    replace_keys(data, ["nyckeltal"], [])
    replace_keys(data, ["internkontroll_kategorier"], [])
    if "namndmal" in data:
        replace_keys(data, ["namndmal"], [("mal", data["namndmal"])])


def schema_comment(text: str, kind: str, depth: int) -> str:
    line = f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json"
    if text.startswith("# yaml-language-server"):
        return line + text[text.index("\n"):]
    return text


def main(root: Path) -> None:
    organisation_path = root / "organisation.yaml"
    org = yaml.load(organisation_path.read_text(encoding="utf-8"))
    migrate_organisation(org)
    write(organisation_path, org, "organisation", 1)
    for year in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()):
        for name, migrate, kind in (("verksamhetsplan.yaml", lambda d: migrate_plan(d, org),
                                     "verksamhetsplan"),
                                    ("arsredovisning.yaml", migrate_report, "arsredovisning")):
            path = year / name
            if path.is_file():
                data = yaml.load(path.read_text(encoding="utf-8"))
                migrate(data)
                write(path, data, kind, 2)
        for folder, migrate, kind in (("arenden", migrate_memo, "tjansteskrivelse"),
                                      ("mbl", migrate_protocol, "mbl-protokoll")):
            for path in sorted((year / folder).glob("*.yaml")):
                data = yaml.load(path.read_text(encoding="utf-8"))
                migrate(data)
                write(path, data, kind, 3)


def write(path: Path, data: Any, kind: str, depth: int) -> None:
    from io import StringIO

    buffer = StringIO()
    yaml.dump(data, buffer)
    original = path.read_text(encoding="utf-8")
    text = buffer.getvalue()
    if original.startswith("# yaml-language-server"):
        text = schema_comment(text, kind, depth)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Contexts of the cover memo (tjänsteskrivelse) and the MBL § 11 protocol."""

from __future__ import annotations

from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..load import Dataset
from .common import Built, evaluated, organisation, person_lines, timestamp_for
from .namespace import plan_namespace, report_namespace


def _namespace(ds: Dataset, year: int, document: str | None) -> dict[str, Any]:
    """A memo that puts a plan or a report before the committee may quote its figures."""
    entry = ds.years[year]
    if document == "arsredovisning" and entry.outcome and entry.outcome.ekonomi:
        return report_namespace(ds, year)
    if document == "verksamhetsplan" and entry.plan and entry.plan.budget:
        return plan_namespace(ds, year)
    return {"ar": year}


def build_memo(ds: Dataset, year: int, slug: str, env: SandboxedEnvironment) -> Built:
    entry = ds.years[year]
    memo = evaluated(entry.matters[slug], entry.sources.get(f"arenden/{slug}"), env,
                     _namespace(ds, year, entry.matters[slug].dokument))
    org = organisation(ds)
    context = {
        "org": org,
        "ar": year,
        "arende": memo,
        "avsandare": memo.avsandare or org["forvaltning"],
        "datum": memo.datum.isoformat() if memo.datum else "",
        "underskrifter": [person_lines(ds, s.person, s.titel) for s in memo.underskrifter],
    }
    return Built(context, memo.titel, f"{org['namnd']}, tjänsteskrivelse: {memo.titel}",
                 "Tjänsteskrivelse", timestamp_for(memo.datum, year))


def build_mbl(ds: Dataset, year: int, slug: str, env: SandboxedEnvironment) -> Built:
    entry = ds.years[year]
    protocol = evaluated(entry.mbl[slug], entry.sources.get(f"mbl/{slug}"), env,
                         _namespace(ds, year, "verksamhetsplan"))
    assert ds.organisation is not None
    people = {p.id: p for p in ds.organisation.personer}
    unions = {f.id: f.namn for f in ds.organisation.fack}

    def attendee(person_id: str) -> dict[str, str]:
        person = people[person_id]
        union = unions.get(person.fack, "") if person.fack else ""
        return {"namn": person.namn, "titel": (person.titel or "").lower(), "fack": union}

    paragraphs = []
    for number, paragraph in enumerate(protocol.paragrafer, start=1):
        stances = [s for s in protocol.stallningstaganden if s.paragraf == number]
        paragraphs.append({
            "nummer": number,
            "rubrik": paragraph.rubrik,
            "text": paragraph.text,
            "anteckning_av": [unions.get(u, u) for u in paragraph.protokollsanteckning],
            "stallningstaganden": [{"fack": unions.get(s.fack, s.fack),
                                    "stallning": "enig" if s.stallning == "enig" else "oenig"}
                                   for s in stances],
        })
    context = {
        "org": organisation(ds),
        "ar": year,
        "protokoll": protocol,
        "tid": f"{protocol.datum.isoformat()} kl. {protocol.tid_fran}–{protocol.tid_till}",
        "arbetsgivare": [attendee(p) for p in protocol.narvarande.arbetsgivare],
        "arbetstagare": [attendee(p) for p in protocol.narvarande.arbetstagare],
        "paragrafer": paragraphs,
        "justeras_arbetsgivare": [attendee(p) for p in protocol.justeras.arbetsgivare],
        "justeras_arbetstagare": [attendee(p) for p in protocol.justeras.arbetstagare],
    }
    title = f"Förhandlingsprotokoll MBL § 11: {protocol.arende}"
    return Built(context, title, f"{ds.organisation.forvaltning}, {title}",
                 "Förhandlingsprotokoll MBL § 11", timestamp_for(protocol.datum, year))

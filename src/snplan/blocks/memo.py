"""The parts of a memo: bulleted lists, free sections, attachments and signatures."""

from __future__ import annotations

from typing import Any

from .base import BlockInput
from .text import section


def list_context(block: BlockInput) -> dict[str, Any] | None:
    items = list(block.content)
    label = block.node.lista.etikett if block.node.lista else None
    return {"punkter": items, "etikett": label} if items else None


def sections_context(block: BlockInput) -> dict[str, Any] | None:
    """Free sections, each under its own heading at the chapter's level."""
    sections = [section(s, block, block.level) for s in block.content]
    return {"sections": sections} if sections else None


def attachments_context(block: BlockInput) -> dict[str, Any] | None:
    """Attachments, each on a new page with its sender, date and registration number above
    its title."""
    attachments = []
    for attachment in block.content:
        lines = [f"Bilaga: {attachment.avsandare}" if attachment.avsandare else "Bilaga"]
        if attachment.datum:
            lines.append(attachment.datum.isoformat())
        if attachment.diarienummer:
            lines.append(attachment.diarienummer)
        attachments.append({"titel": attachment.titel, "uppgifter": lines,
                            "sections": [section(s, block, 2) for s in attachment.avsnitt]})
    return {"bilagor": attachments} if attachments else None


def person_lines(block: BlockInput, person_id: str | None, title: str | None
                 ) -> dict[str, str]:
    """Name and title of a signature; a signature may be a title alone."""
    people = {p.id: p for p in block.org.personer}
    person = people.get(person_id) if person_id else None
    return {"namn": person.namn if person else "",
            "titel": title or (person.titel if person and person.titel else "")}


def signatures_context(block: BlockInput) -> dict[str, Any] | None:
    people = [person_lines(block, s.person, s.titel) for s in block.content]
    return {"underskrifter": people} if people else None

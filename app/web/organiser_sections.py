"""The organiser page's sections, in one list: each is a tab under the live strip.

A section is either a panel rendered in the page (``template``, included with the
page's context) or a link to a page of its own (``endpoint``, built with the
workshop's code). To add one, append to ``SECTIONS`` (or call ``add``) and write
its template under ``templates/organiser/sections/``; the tab bar, deep links
(``?s=<id>``) and keyboard navigation come with it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    id: str                      # used in ?s=<id>, #sec-<id>, #tab-<id>
    label: str                   # catalogue key of the tab's name
    template: str | None = None  # panel shown in the page
    endpoint: str | None = None  # or: a page of its own, url_for(endpoint, code=...)


SECTIONS: list[Section] = [
    Section("facilitators", "org.tab_facilitators", "organiser/sections/facilitators.html"),
    Section("b2b", "org.tab_b2b", "organiser/sections/b2b.html"),
    Section("documents", "org.tab_documents", "organiser/sections/documents.html"),
    Section("imports", "org.tab_imports", "organiser/sections/imports.html"),
    Section("workshop", "org.tab_workshop", "organiser/sections/workshop.html"),
]


def add(section: Section, *, before: str | None = None) -> None:
    """Register a section (idempotent by id), at the end or before the section ``before``."""
    if any(s.id == section.id for s in SECTIONS):
        return
    ids = [s.id for s in SECTIONS]
    SECTIONS.insert(ids.index(before) if before in ids else len(SECTIONS), section)


def pick(requested: str | None) -> str:
    """The section to show: the requested panel if it exists, else the first panel."""
    panels = [s.id for s in SECTIONS if s.template]
    return requested if requested in panels else panels[0]

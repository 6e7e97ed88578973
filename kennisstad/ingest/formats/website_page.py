"""The alliance's public "projects" web page as text: themes with their ambitions.

The page is a title, a few introductory paragraphs, then headings (one short
line between blank lines) each followed by their paragraphs. Which headings are
themes or groups is decided by the caller against the agenda's own sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..common import AgendaFormatError

_TERMINAL = re.compile(r"[.!?:;,]$")


@dataclass
class PageBlock:
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class WebsitePage:
    title: str
    introduction: list[str]
    blocks: list[PageBlock]


def _is_heading(chunk: list[str]) -> bool:
    if len(chunk) != 1:
        return False
    line = chunk[0].strip()
    return 0 < len(line) <= 80 and not _TERMINAL.search(line) and not line[:1].islower()


def parse_page(text: str) -> WebsitePage:
    chunks = [
        [line.strip() for line in chunk.splitlines() if line.strip()] for chunk in re.split(r"\n\s*\n", text)
    ]
    chunks = [chunk for chunk in chunks if chunk]
    if not chunks or not _is_heading(chunks[0]):
        raise AgendaFormatError("de pagina begint niet met een titel; verwacht een korte kopregel bovenaan")
    page = WebsitePage(title=chunks[0][0], introduction=[], blocks=[])
    for chunk in chunks[1:]:
        if _is_heading(chunk):
            page.blocks.append(PageBlock(heading=chunk[0]))
        elif page.blocks:
            page.blocks[-1].paragraphs.extend(chunk)
        else:
            page.introduction.extend(chunk)
    return page

"""Helpers for the newsletter tests."""

import re


def link_in(body: str, name: str) -> str:
    """The path of the first link to /nieuwsbrief/<name>/ in a mail body."""
    match = re.search(rf"https?://[^/\s]+(/nieuwsbrief/{name}/[^/\s\"]+/)", body)
    assert match, body
    return match.group(1)

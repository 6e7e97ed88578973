"""Small text helpers shared by importers and models."""

import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "`": "'", "“": '"', "”": '"'})
_SPACE = re.compile(r"\s+")


def normalise_written_form(text: str) -> str:
    """The form used to compare written names: case, spacing, quotes and trailing dots ignored."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _SPACE.sub(" ", text).strip().strip(".,;:\\ ").strip()
    text = re.sub(r"\s*/\s*", "/", text)
    return text.casefold()


def collapse_spaces(text: str) -> str:
    return _SPACE.sub(" ", text).strip()

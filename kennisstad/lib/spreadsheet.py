"""Text for spreadsheet cells that stays text."""

# A cell starting with one of these is read as a formula by Excel and LibreOffice ("CSV injection"):
# a name like =HYPERLINK(...) in an imported document must not become a live link or command.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """``value`` unchanged, except text that a spreadsheet would run as a formula, which gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

"""Printing an import report for a person at a terminal."""

from rich.console import Console

from .services import ImportReport


def print_report(report: ImportReport, console: Console) -> None:
    heading = "Proefimport (er is niets veranderd)" if report.dry_run else "Import voltooid"
    console.print(f"[bold]{heading}[/bold]: {report.source_name} ({report.style}) → agenda {report.agenda}")
    console.print(
        f"  nieuw: {len(report.created)}   gewijzigd: {len(report.updated)}   "
        f"ongewijzigd: {len(report.unchanged)}   niet in dit document: {len(report.not_in_document)}"
    )
    for section in report.sections_created:
        console.print(f"  + thema {section}")
    for change in report.created:
        console.print(f"  + {change.key} {change.title}")
    for change in report.updated:
        console.print(f"  ~ {change.key} {change.title}")
        for field_change in change.changes:
            old, new = difference_window(field_change.old, field_change.new)
            console.print(f"      {field_change.field}: {old!r} → {new!r}")
    if report.not_in_document:
        console.print(
            "  Al in de database, niet in dit document (blijven staan): " + ", ".join(report.not_in_document)
        )
    for warning in report.warnings:
        console.print(f"  [yellow]Let op:[/yellow] {warning}")
    if report.unknown_names:
        console.print(
            "[bold yellow]Onbekende namen/afkortingen[/bold yellow] (bewaard als onopgeloste vermelding; "
            "koppel ze in de backoffice aan een organisatie):"
        )
        for text, keys in sorted(report.unknown_names.items()):
            console.print(f"  {text}: {', '.join(keys)}")
    else:
        console.print("Geen onbekende afkortingen.")


def difference_window(old: str, new: str, width: int = 70) -> tuple[str, str]:
    """Both texts cut to the part where they first differ, so a change deep in a long text shows."""
    if len(old) <= width and len(new) <= width:
        return old, new
    start = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
    )
    start = max(0, start - width // 3)

    def cut(text: str) -> str:
        part = text[start : start + width]
        return ("…" if start else "") + part + ("…" if start + width < len(text) else "")

    return cut(old), cut(new)

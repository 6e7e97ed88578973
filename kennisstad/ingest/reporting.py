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
            console.print(
                f"      {field_change.field}: {_short(field_change.old)!r} → {_short(field_change.new)!r}"
            )
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


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

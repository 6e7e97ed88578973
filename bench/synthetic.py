"""Grow the Leiden demo data into a synthetic data set SCALE times its size, and describe a data set.

    python bench/synthetic.py generate --scale 100   # in a database that holds the demo data
    python bench/synthetic.py describe               # counts and the URLs bench/run.py measures, as JSON

Every project of the current agenda is copied SCALE - 1 times into that same agenda, with its
participations, unresolved mentions and links. One agenda rather than many periods on purpose: the home
page, theme pages and organisation pages show the current agenda only, so only this way does every
measured page see the larger data (the worst case, not a forecast). Copies get suffixed keys and slugs and
small text changes (a neighbourhood, some synonyms) so that search ranks near-duplicates rather than
identical documents. Runs against whatever database the environment configures (DATABASE_URL,
KENNISSTAD_DATA_DIR), like the ``kennisstad`` command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time

DISTRICTS = [
    "Binnenstad",
    "Stationsdistrict",
    "Morskwartier",
    "Boerhaavedistrict",
    "Roodenburgerdistrict",
    "Bos- en Gasthuisdistrict",
    "Merenwijk",
    "Stevenshof",
    "Leiden Noord",
    "Bio Science Park",
]
# Each copy swaps some of these, so a search for "huisvesting" no longer finds every copy of a project.
SYNONYMS = [
    ("huisvesting", "woonruimte"),
    ("onderzoek", "studie"),
    ("inwoners", "bewoners"),
    ("ouderen", "senioren"),
    ("jongeren", "jeugd"),
    ("kennis", "expertise"),
    ("wijk", "buurt"),
    ("samenwerking", "coalitie"),
]
SWAP_CHANCE = 0.3
SEED = 20230
# Copies' keys are "<key>-x001" and so on; no key in the agenda documents contains this.
COPY_MARK = "-x"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennisstad.settings")
    import django

    django.setup()


def _copy_fields(obj, **overrides) -> dict:
    """The concrete field values of a row except its primary key, so new model fields are copied too."""
    values = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }
    values.update(overrides)
    return values


def vary(text: str, rng: random.Random) -> str:
    for word, synonym in SYNONYMS:
        if rng.random() < SWAP_CHANCE:
            text = re.sub(rf"\b{word}\b", synonym, text)
    return text


def generate(scale: int) -> dict:
    from django.db import transaction

    from kennisstad.portfolio.models import Participation, Project, ProjectLink, UnresolvedMention
    from kennisstad.portfolio.selectors import current_agenda

    agenda = current_agenda()
    if agenda is None:
        raise SystemExit("no agenda in the database: run load_demo first")
    if Project.objects.filter(agenda=agenda, key__contains=COPY_MARK).exists():
        raise SystemExit("this database already holds synthetic copies: start from a fresh one")
    originals = list(
        Project.objects.filter(agenda=agenda)
        .exclude(key__contains=COPY_MARK)
        .prefetch_related("participations", "unresolved_mentions", "links")
    )
    rng = random.Random(SEED)
    with transaction.atomic():
        copies: list[Project] = []
        for n in range(1, scale):
            district = DISTRICTS[n % len(DISTRICTS)]
            for project in originals:
                description = vary(project.description, rng)
                copies.append(
                    Project(
                        **_copy_fields(
                            project,
                            key=f"{project.key}{COPY_MARK}{n:03d}",
                            slug=f"{project.slug[:190]}{COPY_MARK}{n:03d}",
                            code=f"{project.code}-{n}"[:20],
                            title=f"{vary(project.title, rng)} ({district})"[:300],
                            description=f"{description}\n\nDeze variant loopt in {district}.".strip(),
                            position=project.position + n * 10_000,
                        )
                    )
                )
        # Needs the primary keys back from bulk_create: PostgreSQL and SQLite >= 3.35 return them.
        Project.objects.bulk_create(copies, batch_size=500)
        participations, mentions, links = [], [], []
        per_copy = iter(copies)
        for _n in range(1, scale):
            for project in originals:
                copy = next(per_copy)
                participations += [
                    Participation(**_copy_fields(p, project_id=copy.pk)) for p in project.participations.all()
                ]
                mentions += [
                    UnresolvedMention(**_copy_fields(m, project_id=copy.pk))
                    for m in project.unresolved_mentions.all()
                ]
                links += [
                    ProjectLink(**_copy_fields(link, project_id=copy.pk)) for link in project.links.all()
                ]
        Participation.objects.bulk_create(participations, batch_size=1000)
        UnresolvedMention.objects.bulk_create(mentions, batch_size=1000)
        ProjectLink.objects.bulk_create(links, batch_size=1000)
    return {"projects_added": len(copies), "participations_added": len(participations)}


def describe() -> dict:
    from django.db.models import Count, Q

    from kennisstad.organisations.models import Organisation
    from kennisstad.portfolio.models import Participation, Project, Section
    from kennisstad.portfolio.selectors import current_agenda

    agenda = current_agenda()
    if agenda is None:
        raise SystemExit("no agenda in the database: run load_demo first")
    originals = Project.objects.filter(agenda=agenda).exclude(key__contains=COPY_MARK).order_by("position")
    project = originals.filter(title__icontains="studentenhuisvesting").first() or originals.first()
    theme = (
        Section.objects.filter(agenda=agenda).annotate(n=Count("projects")).order_by("-n", "position").first()
    )
    organisation = (
        Organisation.objects.filter(parent=None)
        .annotate(n=Count("participations", filter=Q(participations__project__agenda=agenda)))
        .order_by("-n", "name")
        .first()
    )
    return {
        "counts": {
            "projects": Project.objects.count(),
            "participations": Participation.objects.count(),
            "organisations": Organisation.objects.count(),
        },
        "urls": {
            "theme": theme.get_absolute_url(),
            "project": project.get_absolute_url(),
            "organisation": organisation.get_absolute_url(),
            "network_theme": f"/netwerk/?agenda={agenda.period}&thema={theme.slug}",
        },
        "period": agenda.period,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    grow = commands.add_parser(
        "generate", help="copy the demo agenda's projects until the data is SCALE times as big"
    )
    grow.add_argument(
        "--scale", type=int, default=100, help="size of the result as a multiple of the demo data"
    )
    commands.add_parser("describe", help="print counts and the URLs to measure as JSON")
    args = parser.parse_args(argv)

    _setup_django()
    if args.command == "generate":
        if args.scale < 1:
            parser.error("--scale must be at least 1")
        started = time.perf_counter()
        added = generate(args.scale)
        print(json.dumps({**added, "seconds": round(time.perf_counter() - started, 1)}))
    else:
        print(json.dumps(describe()))


if __name__ == "__main__":
    sys.exit(main())

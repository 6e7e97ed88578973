from django.core.management.base import BaseCommand

from kennisstad.search.services import rebuild_index


class Command(BaseCommand):
    help = (
        "Bouw de zoekindex opnieuw op: alle projecten, organisaties en gepubliceerde antwoorden uit de kennisbank worden opnieuw geanalyseerd "
        "(stammen, samenstellingen, aliassen). Veilig om vaker te draaien; het gebeurt in één transactie."
    )

    def handle(self, *args, **options):
        counts = rebuild_index()
        self.stdout.write(
            f"Zoekindex opgebouwd: {counts.projects} projecten, {counts.organisations} organisaties, "
            f"{counts.questions} beantwoorde vragen, {counts.terms} woorden in {counts.seconds:.1f} s."
        )

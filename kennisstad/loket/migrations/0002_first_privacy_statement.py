"""A first privacy statement, so the question form works on a fresh install.

The alliance replaces it in the back office by publishing a new version; consents keep
pointing at the version the person saw. The text lives in loket/data/privacy-statement.*.txt.
"""

from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def create_statement(apps, schema_editor):
    PrivacyStatement = apps.get_model("loket", "PrivacyStatement")
    if not PrivacyStatement.objects.exists():
        PrivacyStatement.objects.create(
            version="1",
            text=(DATA_DIR / "privacy-statement.nl.txt").read_text(encoding="utf-8").strip(),
            text_en=(DATA_DIR / "privacy-statement.en.txt").read_text(encoding="utf-8").strip(),
        )


class Migration(migrations.Migration):
    dependencies = [("loket", "0001_initial")]

    operations = [migrations.RunPython(create_statement, migrations.RunPython.noop)]

"""Key the e-mail hashes of erasures recorded before they were keyed.

They were plain SHA-256 digests of the address, which anyone holding a list of addresses can
match. A keyed hash is HMAC over that same digest (``kennisstad.lib.erasure_journal``), so the
stored digests can be keyed without knowing the addresses, which are gone.
"""

from django.db import migrations


def key_hashes(apps, schema_editor):
    from kennisstad.lib.erasure_journal import keyed_hash

    Erasure = apps.get_model("loket", "Erasure")
    for erasure in Erasure.objects.exclude(email_hash="").only("pk", "email_hash"):
        erasure.email_hash = keyed_hash(erasure.email_hash)
        erasure.save(update_fields=["email_hash"])


class Migration(migrations.Migration):
    dependencies = [("loket", "0003_assignmentupdate_is_public")]

    operations = [migrations.RunPython(key_hashes, migrations.RunPython.noop)]

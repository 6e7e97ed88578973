import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_creates_a_backoffice_login_once_and_prints_it():
    out = io.StringIO()
    call_command("ensure_backoffice_user", stdout=out)
    password = out.getvalue().rsplit("wachtwoord ", 1)[1].strip()

    assert authenticate(username="kennismakelaar", password=password).is_superuser

    again = io.StringIO()
    call_command("ensure_backoffice_user", stdout=again)
    assert "bestaat al" in again.getvalue()

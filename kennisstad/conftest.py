import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_DIR.parent / "shared"
DEMO_DIR = Path(__file__).resolve().parent / "demo"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared (seeds and gold data) is not next to this checkout")
    return SHARED_DIR


@pytest.fixture
def gold_projects(shared_dir) -> dict[str, dict]:
    return {p["key"]: p for p in json.loads((shared_dir / "gold" / "agenda-2023-2027.json").read_text())}


@pytest.fixture
def organisations(db):
    call_command("load_organisations", stdout=io.StringIO())


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def kennismakelaar(db, django_user_model):
    return django_user_model.objects.create_superuser(
        "kennismakelaar", "km@example.org", "geheim-wachtwoord-1"
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _erasure_journal(settings, tmp_path_factory):
    """Erasures in tests go to a journal of their own, never to the one in the data directory."""
    settings.ERASURE_JOURNAL = tmp_path_factory.mktemp("journal") / "erasures.jsonl"
    settings.ERASURE_HASH_KEY = "test-erasure-hash-key"

"""The permission matrix's world, through the API: a token of organisation A writes where A (or its
unit A/FSW) takes part, and nowhere else — the same rule as A's web editor."""

import pytest
from django.utils import timezone

from kennisstad.accounts.tests.test_permission_matrix import RED, world  # noqa: F401 - a fixture
from kennisstad.api.models import ApiWrite
from kennisstad.api.tokens import token_create
from kennisstad.portfolio.models import ProgressUpdate

pytestmark = pytest.mark.django_db


def _post(client, project, key):
    return client.post(
        f"/api/v1/projects/{project.agenda.period}/{project.key}/updates",
        {"date": timezone.localdate().isoformat(), "text": "Via de API."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_a_token_of_a_may_post_to_eigen_and_not_to_ander(client, world):  # noqa: F811
    _token, key = token_create(organisation=world.organisation_a, name="a", by=None)

    own = _post(client, world.own, key)
    other = _post(client, world.other, key)

    assert own.status_code == 201
    assert other.status_code == 403
    assert list(ProgressUpdate.objects.values_list("project_id", flat=True)) == [world.own.pk]
    assert ApiWrite.objects.count() == 1


def test_the_token_follows_the_web_editors_rule(client, world):  # noqa: F811
    _token, key = token_create(organisation=world.organisation_a, name="a", by=None)
    editor = world.users[RED]

    for project in (world.own, world.other):
        may_on_web = editor.has_perm("portfolio.add_progressupdate", project)
        assert (_post(client, project, key).status_code == 201) == may_on_web


def test_a_token_of_b_may_post_to_both(client, world):  # noqa: F811
    _token, key = token_create(organisation=world.organisation_b, name="b", by=None)

    assert _post(client, world.own, key).status_code == 201
    assert _post(client, world.other, key).status_code == 201

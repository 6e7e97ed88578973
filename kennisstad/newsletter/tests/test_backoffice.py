"""The kennismakelaar's newsletter pages: access, composing, preview under the strict CSP."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from kennisstad.accounts.models import Role
from kennisstad.accounts.roles import assign_role
from kennisstad.newsletter.models import Issue, IssueItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    issue = Issue.objects.create(
        title="Nieuwsbrief", period_start=timezone.localdate(), period_end=timezone.localdate()
    )
    IssueItem.objects.create(
        issue=issue,
        kind=IssueItem.Kind.UPDATE,
        source_id=1,
        title="Een <b>update</b>",
        text="Het gaat goed.",
        url="http://127.0.0.1:8000/",
        date=timezone.localdate(),
        position=1,
    )
    return issue


def pages(issue) -> list[tuple[str, str]]:
    return [
        ("get", reverse("newsletter:issues")),
        ("post", reverse("newsletter:issue_new")),
        ("get", reverse("newsletter:issue", args=[issue.pk])),
        ("post", reverse("newsletter:issue", args=[issue.pk])),
        ("get", reverse("newsletter:issue_preview", args=[issue.pk])),
        ("post", reverse("newsletter:issue_test", args=[issue.pk])),
        ("post", reverse("newsletter:issue_send", args=[issue.pk])),
        ("post", reverse("newsletter:issue_send_batch", args=[issue.pk])),
    ]


@pytest.mark.parametrize("role", [Role.STUURGROEP, None])
def test_staff_who_are_not_kennismakelaar_get_403(client, django_user_model, issue, role):
    user = django_user_model.objects.create_user(
        "medewerker", "m@example.org", "geheim-wachtwoord-1", is_staff=True
    )
    if role:
        assign_role(user, role)
    client.force_login(user)

    for method, url in pages(issue):
        assert getattr(client, method)(url).status_code == 403, url
    assert Issue.objects.count() == 1


def test_anonymous_visitors_go_to_the_login(client, issue):
    for method, url in pages(issue):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_back_office_index_links_to_the_newsletter(client, kennismakelaar):
    client.force_login(kennismakelaar)

    response = client.get(reverse("admin:index"))

    assert reverse("newsletter:issues") in response.content.decode()


def test_the_footer_links_to_the_subscription_page(client):
    assert reverse("newsletter:subscribe") in client.get("/").content.decode()


def test_the_compose_page_labels_every_control(client, kennismakelaar, issue):
    client.force_login(kennismakelaar)

    page = BeautifulSoup(client.get(reverse("newsletter:issue", args=[issue.pk])).content, "html.parser")

    controls = page.select("form input:not([type=hidden]), form textarea, form select")
    assert controls
    for control in controls:
        assert page.find("label", attrs={"for": control["id"]}), control
    assert page.find("caption")
    assert page.select("th[scope=col]")


def test_an_invalid_position_is_shown_and_nothing_is_saved(client, kennismakelaar, issue):
    client.force_login(kennismakelaar)
    item = issue.items.get()

    response = client.post(
        reverse("newsletter:issue", args=[issue.pk]),
        {"title": "Anders", "intro": "", f"item-{item.pk}-position": "0", f"item-{item.pk}-included": "on"},
    )

    assert response.status_code == 400
    assert Issue.objects.get().title == "Nieuwsbrief"


def test_sending_needs_the_confirmation_box(client, kennismakelaar, issue):
    client.force_login(kennismakelaar)

    response = client.post(reverse("newsletter:issue_send", args=[issue.pk]), {})

    assert response.status_code == 400
    assert Issue.objects.get().status == Issue.Status.DRAFT


def test_the_preview_escapes_the_frozen_texts_and_uses_no_inline_styles(client, kennismakelaar, issue):
    client.force_login(kennismakelaar)

    response = client.get(reverse("newsletter:issue_preview", args=[issue.pk]))

    page = response.content.decode()
    assert "Een &lt;b&gt;update&lt;/b&gt;" in page
    assert "style=" not in page.split('<section class="newsletter-preview"', 1)[1]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    soup = BeautifulSoup(page, "html.parser")
    assert [h.name for h in soup.select("main h1, main h2, main h3")][:3] == ["h1", "h2", "h3"]

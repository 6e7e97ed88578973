"""Who writes news: the kennismakelaar publishes; an editor submits for its own organisations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kennisstad.news import services
from kennisstad.news.models import NewsItem

from .conftest import make_news

pytestmark = pytest.mark.django_db
Status = NewsItem.Status


def change_url(item):
    return reverse("admin:news_newsitem_change", args=[item.pk])


def test_an_item_knows_its_owning_organisation(world):
    assert make_news("zonder").owning_organisation_ids() == set()
    assert make_news("met", submitted_by=world["a"]).owning_organisation_ids() == {world["a"].pk}


def test_an_editor_has_change_permission_only_for_its_organisations_items(world):
    own = make_news("eigen", status=Status.SUBMITTED, submitted_by=world["a"])
    other = make_news("ander", status=Status.SUBMITTED, submitted_by=world["b"])

    assert world["editor"].has_perm("news.change_newsitem", own)
    assert not world["editor"].has_perm("news.change_newsitem", other)
    assert not world["editor"].has_perm("news.publish_newsitem")


def test_it_requires_alt_text_with_an_image(world):
    item = NewsItem(title="Foto", slug="foto", body="x", image="news/2026/foto.jpg")

    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "image_alt" in error.value.message_dict


def test_an_editors_item_is_submitted_whatever_status_it_asks_for(world):
    item = NewsItem(title="Nieuw", slug="nieuw", body="x", status=Status.PUBLISHED, submitted_by=world["a"])

    services.news_save(item=item, by=world["editor"])

    item.refresh_from_db()
    assert item.status == Status.SUBMITTED and item.published_at is None
    assert item.author == world["editor"]


def test_an_editor_cannot_submit_for_another_organisation(world):
    item = NewsItem(title="Nieuw", slug="nieuw", body="x", submitted_by=world["b"])

    with pytest.raises(PermissionDenied):
        services.news_save(item=item, by=world["editor"])
    assert not NewsItem.objects.exists()


def test_the_kennismakelaar_publishes_and_rejects(world, kennismakelaar):
    item = make_news("nieuw", status=Status.SUBMITTED, submitted_by=world["a"])

    services.news_reject(item=item, by=kennismakelaar, reason="Geen nieuws.")
    assert item.status == Status.REJECTED and item.rejection_reason == "Geen nieuws."

    services.news_publish(item=item, by=kennismakelaar)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.published_at is not None and item.rejection_reason == ""


def test_an_editor_cannot_publish(world):
    item = make_news("nieuw", status=Status.SUBMITTED, submitted_by=world["a"])

    with pytest.raises(PermissionDenied):
        services.news_publish(item=item, by=world["editor"])
    with pytest.raises(PermissionDenied):
        services.news_reject(item=item, by=world["editor"], reason="x")


def test_a_rejection_needs_a_reason(world, kennismakelaar):
    item = make_news("nieuw", status=Status.SUBMITTED)

    with pytest.raises(ValidationError):
        services.news_reject(item=item, by=kennismakelaar, reason="  ")


# --- The admin ---------------------------------------------------------------------------------


def test_an_editor_adds_news_in_the_admin_for_its_own_organisation(client, world):
    client.force_login(world["editor"])
    page = client.get(reverse("admin:news_newsitem_add"))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields
    assert set(form.fields["submitted_by"].queryset) == {world["a"], world["unit"]}

    response = client.post(
        reverse("admin:news_newsitem_add"),
        {"title": "Open dag", "slug": "open-dag", "body": "Kom langs.", "submitted_by": world["a"].pk},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    item = NewsItem.objects.get(slug="open-dag")
    assert item.status == Status.SUBMITTED and item.author == world["editor"]


def test_an_editor_cannot_choose_another_organisation_in_the_admin(client, world):
    client.force_login(world["editor"])

    response = client.post(
        reverse("admin:news_newsitem_add"),
        {"title": "Open dag", "slug": "open-dag", "body": "Kom langs.", "submitted_by": world["b"].pk},
    )

    assert response.status_code == 200
    assert "submitted_by" in response.context["adminform"].form.errors
    assert not NewsItem.objects.exists()


def test_an_editor_gets_403_on_another_organisations_item(client, world):
    other = make_news("ander", status=Status.SUBMITTED, submitted_by=world["b"])
    client.force_login(world["editor"])

    assert client.get(change_url(other)).status_code == 403
    assert client.post(change_url(other), {"title": "Gekaapt"}).status_code == 403
    other.refresh_from_db()
    assert other.title == "Bericht ander"


def test_an_editor_sees_only_its_organisations_items_in_the_list(client, world):
    make_news("eigen", status=Status.SUBMITTED, submitted_by=world["a"])
    make_news("ander", status=Status.SUBMITTED, submitted_by=world["b"])
    client.force_login(world["editor"])

    response = client.get(reverse("admin:news_newsitem_changelist"))

    assert [item.slug for item in response.context["cl"].result_list] == ["eigen"]
    assert response.context["action_form"] is None  # neither publish nor reject (nor delete) for an editor


def test_an_editor_may_read_but_not_change_a_published_item(client, world):
    item = make_news("gepubliceerd", submitted_by=world["a"])
    client.force_login(world["editor"])

    page = client.get(change_url(item))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(change_url(item), {"title": "Anders", "slug": "gepubliceerd", "body": "x"})
    item.refresh_from_db()
    assert item.title == "Bericht gepubliceerd"


def test_an_editor_changing_a_rejected_item_submits_it_again(client, world):
    item = make_news("terug", status=Status.REJECTED, submitted_by=world["a"], rejection_reason="Te kort.")
    client.force_login(world["editor"])

    response = client.post(
        change_url(item),
        {"title": "Langer", "slug": "terug", "body": "Nu langer.", "submitted_by": world["a"].pk},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED and item.title == "Langer"


def test_the_kennismakelaar_publishes_with_the_admin_action(client, world, kennismakelaar):
    item = make_news("nieuw", status=Status.SUBMITTED, submitted_by=world["a"])
    client.force_login(kennismakelaar)

    response = client.post(
        reverse("admin:news_newsitem_changelist"), {"action": "publish", "_selected_action": [item.pk]}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_the_kennismakelaar_rejects_with_a_reason(client, world, kennismakelaar):
    item = make_news("nieuw", status=Status.SUBMITTED, submitted_by=world["a"])
    client.force_login(kennismakelaar)
    url = reverse("admin:news_newsitem_changelist")

    ask = client.post(url, {"action": "reject", "_selected_action": [item.pk]})
    assert ask.status_code == 200 and "reason" in ask.context["form"].fields
    done = client.post(
        url, {"action": "reject", "_selected_action": [item.pk], "apply": "1", "reason": "Dubbel."}
    )

    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.REJECTED and item.rejection_reason == "Dubbel."


def test_an_editor_cannot_run_the_publish_action(client, world):
    item = make_news("nieuw", status=Status.SUBMITTED, submitted_by=world["a"])
    client.force_login(world["editor"])

    client.post(
        reverse("admin:news_newsitem_changelist"), {"action": "publish", "_selected_action": [item.pk]}
    )

    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_the_kennismakelaar_writes_a_published_item_in_the_admin_and_it_is_findable(
    client, world, kennismakelaar
):
    from kennisstad.search.selectors import search

    client.force_login(kennismakelaar)

    response = client.post(
        reverse("admin:news_newsitem_add"),
        {
            "title": "Buurtmoestuinen groeien",
            "slug": "buurtmoestuinen",
            "body": "Meer moestuinen in de wijken.",
            "status": Status.PUBLISHED,
            "sections": [world["section"].pk],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    item = NewsItem.objects.get(slug="buurtmoestuinen")
    assert item.published_at is not None and item.author == kennismakelaar
    [hit] = search("moestuin").hits
    assert (hit.kind, hit.section_title) == ("news", "Wonen en welzijn")

"""Subscribing: unbundled consent, no account enumeration, signed links that expire or are refused."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse

from kennisstad.newsletter import services
from kennisstad.newsletter.models import Subscriber

from .utils import link_in

pytestmark = pytest.mark.django_db

URL = "/nieuwsbrief/"


def form(**overrides) -> dict:
    return {"email": "lezer@example.org", "language": "nl", "consent": "on", "website": "", **overrides}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks, statement):
    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, form(**overrides))

    return post


def test_the_url_is_the_dutch_one():
    assert reverse("newsletter:subscribe") == URL


def test_it_refuses_a_subscription_without_consent(post, mailoutbox):
    response = post(consent="")

    assert response.status_code == 400
    assert "Geef toestemming" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_it_links_errors_to_their_fields_and_shows_the_statement_version(post, statement):
    response = post(email="geen-adres", consent="")

    page = response.content.decode()
    assert 'href="#id_email"' in page
    assert 'href="#id_consent"' in page
    assert f"versie {statement.version}" in page
    assert "<legend>Toestemming</legend>" in page


def test_it_stores_the_consent_with_the_statement_version(post, statement, mailoutbox):
    post(language="en")

    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.privacy_statement == statement
    assert subscriber.language == "en"
    [mail] = mailoutbox
    assert mail.to == ["lezer@example.org"]
    assert link_in(mail.body, "bevestigen")


def test_it_gives_the_same_answer_for_a_known_address_and_no_second_subscription(
    post, make_subscriber, mailoutbox
):
    make_subscriber(email="lezer@example.org")

    known = post(email="LEZER@example.org")
    new = post(email="nieuw@example.org")

    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"]
    assert Subscriber.objects.filter(email__iexact="lezer@example.org").count() == 1
    assert [mail.to for mail in mailoutbox] == [["nieuw@example.org"]]


def test_a_pending_address_gets_a_new_confirmation_mail(post, mailoutbox):
    post()
    post(email="Lezer@Example.org")

    assert Subscriber.objects.count() == 1
    assert len(mailoutbox) == 2


def test_the_honeypot_refuses_bots(post, mailoutbox):
    response = post(website="https://spam.example")

    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_it_limits_subscriptions_per_address(post, settings, mailoutbox):
    settings.NEWSLETTER_POSTS_PER_HOUR = 2
    for n in range(2):
        assert post(email=f"lezer{n}@example.org").status_code == 302

    response = post(email="nog-een@example.org")

    assert response.status_code == 429
    assert Subscriber.objects.count() == 2


def test_a_forged_confirmation_link_is_refused(client, make_subscriber):
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    forged = signing.dumps({"s": subscriber.pk, "n": subscriber.nonce}, salt="iets-anders")

    response = client.post(reverse("newsletter:confirm", args=[forged]))

    assert response.status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert response["Cache-Control"] == "no-store"


def test_an_unsubscribe_link_does_not_confirm(client, make_subscriber):
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)

    response = client.post(reverse("newsletter:confirm", args=[services.link_token(subscriber)]))

    assert response.status_code == 404


def test_an_expired_confirmation_link_is_refused(client, make_subscriber, settings):
    settings.NEWSLETTER_CONFIRM_DAYS = 7
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    signer = signing.TimestampSigner(salt=services.CONFIRM_SALT)
    old = datetime.datetime.now() - datetime.timedelta(days=8)
    # A token signed eight days ago: the signer's clock is the only thing that differs.
    signer.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    token = signer.sign_object({"s": subscriber.pk, "n": subscriber.nonce}, compress=True)
    assert services.subscriber_from_confirm_token(token) is None

    response = client.post(reverse("newsletter:confirm", args=[token]))

    assert response.status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_the_confirmation_link_from_the_mail_works_within_its_time(post, client, mailoutbox):
    post()

    response = client.post(link_in(mailoutbox[0].body, "bevestigen"))

    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_revoked_link_no_longer_works(client, make_subscriber):
    subscriber = make_subscriber()
    token = services.link_token(subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(nonce="ingetrokken")

    assert client.get(reverse("newsletter:unsubscribe", args=[token])).status_code == 404
    assert client.get(reverse("newsletter:my_data", args=[token])).status_code == 404

"""Making, checking and revoking API tokens, and what a token may write."""

import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kennisstad.accounts.roles import within_organisations
from kennisstad.organisations.models import Organisation

from .models import ApiToken

logger = logging.getLogger(__name__)

# "ks_" tells a leaked key apart in logs and secret scanners; the prefix is what lists show.
KEY_START = "ks_"
PREFIX_LENGTH = 11  # "ks_" and 8 characters


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, organisation: Organisation, name: str, by) -> tuple[ApiToken, str]:
    """A new token for ``organisation``; returns it with the full key, which is never stored."""
    key = KEY_START + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        name=name.strip(),
        prefix=key[:PREFIX_LENGTH],
        key_hash=_hash(key),
        created_by=by,
    )
    token.full_clean()
    token.save()
    logger.info("API token %s for %s made by %s", token.prefix, organisation, by)
    return token, key


def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke ``token`` (kept, with what it wrote); revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("API token %s revoked by %s", token.prefix, by)
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The active token with this key, or None; notes when it was used."""
    if not key or not key.startswith(KEY_START):
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        token.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token


def token_scope(token: ApiToken) -> frozenset[int]:
    """The organisations a token writes for: its own and its units, as for a web editor
    (``kennisstad.accounts.roles.editor_organisation_ids``)."""
    units = Organisation.objects.filter(parent_id=token.organisation_id).values_list("pk", flat=True)
    return frozenset({token.organisation_id, *units})


def token_may_write(token: ApiToken, project) -> bool:
    """The web editor's rule: the project is one in which the token's organisations take part."""
    return within_organisations(project, token_scope(token))


def token_over_limit(token: ApiToken) -> bool:
    """Count one write; True when the token went over ``API_WRITES_PER_HOUR`` in this hour."""
    window = 60 * 60
    key = f"ratelimit:api-token:{token.pk}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > settings.API_WRITES_PER_HOUR

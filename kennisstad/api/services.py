"""Writes through the API: the same services as the web, under the same rules, recorded per token."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kennisstad.portfolio.models import ProgressUpdate, Project
from kennisstad.portfolio.services import progress_update_add

from .models import ApiToken, ApiWrite
from .tokens import token_may_write


@transaction.atomic
def progress_update_add_by_token(*, token: ApiToken, project: Project, **fields) -> ProgressUpdate:
    """Add a progress update as ``token``'s organisation; PermissionDenied outside its projects.

    Validation is ``progress_update_add``'s (ValidationError per field); nothing is stored when
    it refuses.
    """
    if not token.is_active or not token_may_write(token, project):
        raise PermissionDenied
    update = progress_update_add(project=project, by=None, **fields)
    ApiWrite.objects.create(token=token, progress_update=update)
    return update

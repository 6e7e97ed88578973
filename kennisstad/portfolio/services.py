"""Changes to projects and their participations, and their progress updates."""

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisstad.history.recording import recording
from kennisstad.lib.concurrency import version_bump, version_claim
from kennisstad.lib.mail import absolute_url, send_templated_mail
from kennisstad.lib.text import normalise_written_form
from kennisstad.organisations.models import Organisation
from kennisstad.organisations.services import alias_add, non_organisation_term_add
from kennisstad.search.services import index_projects

from .models import Participation, ProgressUpdate, Project, UnresolvedMention

logger = logging.getLogger(__name__)


@transaction.atomic
def unresolved_text_map(*, text: str, organisation: Organisation) -> list[str]:
    """Map a written form to an organisation everywhere it is unresolved.

    The form becomes an alias, so later imports resolve it too, and every
    project mentioning it gets the organisation as participant in the same
    role. Returns the keys of the projects that changed.
    """
    normalised = normalise_written_form(text)
    alias_add(organisation=organisation, text=text)
    mentions = [
        mention
        for mention in UnresolvedMention.objects.select_related("project")
        if normalise_written_form(mention.text) == normalised
    ]
    changed = []
    for mention in mentions:
        Participation.objects.get_or_create(
            project=mention.project,
            organisation=organisation,
            role=mention.role,
            defaults={"raw_text": mention.text, "position": 1000 + mention.position},
        )
        mention.delete()
        if mention.project.key not in changed:
            changed.append(mention.project.key)
            # Its participations changed: an open change form of the project must not undo that.
            version_bump(mention.project)
    index_projects({mention.project for mention in mentions})
    return changed


def unresolved_text_mark_not_organisation(*, text: str) -> bool:
    """Remember that a text is no organisation so imports stop reporting it as unknown."""
    return non_organisation_term_add(text=text) is not None


# --- progress ----------------------------------------------------------------------------------


@transaction.atomic
def progress_update_add(
    *,
    project: Project,
    date: datetime.date,
    text: str,
    new_status: str = "",
    link_url: str = "",
    link_label: str = "",
    figure_label: str = "",
    figure_value: Decimal | None = None,
    by,
) -> ProgressUpdate:
    """Record a dated progress update; a new status different from the project's changes the project.

    Errors name the field they belong to (``date``, ``text``, ``figure_value`` …), so a form can
    show them where they were typed.
    """
    # Read the status under a row lock: two editors changing the status at once would otherwise
    # both record the same "old" status.
    current = Project.objects.select_for_update().only("status").get(pk=project.pk)
    text = (text or "").strip()
    link_url, link_label = (link_url or "").strip(), (link_label or "").strip()
    figure_label = (figure_label or "").strip()
    changes_status = bool(new_status) and new_status != current.status
    update = ProgressUpdate(
        project=project,
        date=date,
        text=text,
        old_status=current.status if changes_status else "",
        new_status=new_status if changes_status else "",
        link_url=link_url,
        link_label=link_label,
        figure_label=figure_label,
        figure_value=figure_value,
        author=by,
    )
    errors: dict[str, list] = {}
    try:
        update.full_clean(exclude=["project", "author"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if not text:
        errors["text"] = [_("Schrijf wat er gebeurd is.")]
    # full_clean() converted the date where it could (a command may pass "2025-03-04").
    if isinstance(update.date, datetime.date) and update.date > timezone.localdate():
        errors.setdefault("date", []).append(_("Een update kan niet in de toekomst liggen."))
    if figure_label and figure_value is None:
        errors.setdefault("figure_value", []).append(_("Geef bij het kengetal ook een waarde."))
    if figure_value is not None and not figure_label:
        errors.setdefault("figure_label", []).append(_("Zeg bij de waarde ook wat er geteld is."))
    if link_label and not link_url:
        errors.setdefault("link_url", []).append(_("Geef bij de omschrijving ook de link."))
    if errors:
        raise ValidationError(errors)
    update.save()
    if changes_status:
        project.status = new_status
        # An admin form opened before this update would otherwise put the old status back.
        version_bump(project, by=by)
        with recording(by=by):
            project.save(update_fields=["status", "updated_at"])
        # The status is a facet of the public search.
        index_projects([project])
    return update


def progress_reminder_send(*, project: Project, by) -> Project:
    """E-mail the project's contact a request for a progress update and remember when.

    Refused (ValidationError on ``contact_email``) when no address is known.
    """
    if not project.contact_email:
        raise ValidationError(
            {"contact_email": _("Er is geen e-mailadres van de contactpersoon bekend; vul het eerst in.")},
            code="no_contact_email",
        )
    latest = project.progress_updates.order_by("-date", "-created_at", "-pk").first()
    progress_path = reverse(
        "portfolio:progress_project", kwargs={"period": project.agenda.period, "key": project.key}
    )
    send_templated_mail(
        template="portfolio/email/voortgang_herinnering",
        to=project.contact_email,
        # The agendas, and the people who run their projects, are Dutch.
        language="nl",
        context={
            "project": project,
            "latest": latest,
            "months": settings.PROGRESS_STALE_MONTHS,
            "progress_link": absolute_url(progress_path),
            "project_link": absolute_url(project.get_absolute_url()),
            # Where someone without a back-office account can send the update instead.
            "sender_email": getattr(by, "email", "") or settings.LOKET_BROKER_EMAIL,
        },
    )
    # Only after the mail went out: a failed send must not look like a sent reminder.
    project.last_reminder_at = timezone.now()
    with recording(by=by):
        project.save(update_fields=["last_reminder_at"])
    logger.info("progress reminder for %s sent to the contact by %s", project.key, by)
    return project


@transaction.atomic
def project_contact_email_set(*, project: Project, email: str, by, version: int | None = None) -> Project:
    """Set (or clear, with an empty string) the address progress reminders go to.

    ``version`` is the project's version the form showed: when someone saved the project since,
    nothing is written and ``kennisstad.lib.concurrency.EditConflict`` is raised.
    """
    email = (email or "").strip()
    try:
        email = Project._meta.get_field("contact_email").clean(email, project)
    except ValidationError as error:
        raise ValidationError({"contact_email": error.messages}) from error
    if version is None:
        version_bump(project, by=by)
    else:
        version_claim(project, version=version, by=by)
    project.contact_email = email
    with recording(by=by):
        project.save(update_fields=["contact_email", "updated_at"])
    logger.info("contact e-mail of %s set by %s", project.key, by)
    return project

"""Every change in the kennisloket, each in one function that also writes the history.

Views, management commands and tests call these; nothing else saves loket models.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kennisstad.lib import erasure_journal
from kennisstad.lib.mail import absolute_url, send_templated_mail

from .matching import EarlierQuestion, MatchResult, match_question
from .models import (
    CLOSED_STATUSES,
    Assignment,
    AssignmentUpdate,
    District,
    Erasure,
    Interest,
    PrivacyStatement,
    PublishedAnswer,
    Question,
    QuestionEvent,
)
from .selectors import project_suggestions

Status = Question.Status

# Where a question may go from each status. "Niet passend" and "afgesloten" can be reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NIEUW: (Status.IN_BEHANDELING, Status.NIET_PASSEND),
    Status.IN_BEHANDELING: (Status.DOORVERWEZEN, Status.OPDRACHT, Status.BEANTWOORD, Status.NIET_PASSEND),
    Status.DOORVERWEZEN: (Status.BEANTWOORD, Status.IN_BEHANDELING, Status.AFGESLOTEN),
    Status.OPDRACHT: (Status.BEANTWOORD, Status.IN_BEHANDELING, Status.AFGESLOTEN),
    Status.BEANTWOORD: (Status.AFGESLOTEN, Status.IN_BEHANDELING),
    Status.AFGESLOTEN: (Status.IN_BEHANDELING,),
    Status.NIET_PASSEND: (Status.IN_BEHANDELING,),
}

# The statuses the asker hears about, each with its e-mail template.
ASKER_MAIL_TEMPLATES = {
    Status.IN_BEHANDELING: "loket/email/in_behandeling",
    Status.DOORVERWEZEN: "loket/email/doorverwezen",
    Status.OPDRACHT: "loket/email/opdracht",
    Status.BEANTWOORD: "loket/email/beantwoord",
    Status.NIET_PASSEND: "loket/email/niet_passend",
}

DATA_LINK_SALT = "kennisstad.loket.asker-data"
ERASED_TEXT = "—"
LIMITS = {"question": 3000, "background": 5000, "name": 100, "interest_message": 2000}


# --- reading helpers used by the services ----------------------------------------------------


def current_privacy_statement() -> PrivacyStatement | None:
    return PrivacyStatement.objects.order_by("-published_at", "-pk").first()


def privacy_statement_ensure() -> PrivacyStatement:
    """The current statement, or the bundled first version when there is none (as migration 0002
    creates it): without a statement nobody can consent, so no question can be asked."""
    current = current_privacy_statement()
    if current is not None:
        return current
    data = Path(__file__).resolve().parent / "data"
    return PrivacyStatement.objects.create(
        version="1",
        text=(data / "privacy-statement.nl.txt").read_text(encoding="utf-8").strip(),
        text_en=(data / "privacy-statement.en.txt").read_text(encoding="utf-8").strip(),
    )


def earlier_questions() -> list[EarlierQuestion]:
    """Published answers, as the matcher's memory of earlier questions."""
    answers = PublishedAnswer.objects.filter(is_published=True).prefetch_related("projects")
    return [
        EarlierQuestion(
            id=answer.slug,
            question=answer.title,
            project_keys=tuple(p.key for p in answer.projects.all() if p.agenda.is_current),
            answer=answer.answer,
        )
        for answer in answers.prefetch_related("projects__agenda")
    ]


def match(text: str, *, top: int = 5) -> MatchResult:
    return match_question(text, top=top, earlier_questions=earlier_questions())


def _stored_suggestions(result: MatchResult) -> tuple[list[dict], list[dict]]:
    suggestions = [
        {"key": s.key, "title": s.title, "score": s.score, "reason": s.reason} for s in result.suggestions
    ]
    similar = [{"slug": q.id, "title": q.question, "score": q.score} for q in result.similar_questions]
    return suggestions, similar


def _event(question: Question, kind: str, *, by=None, before="", after="", text="") -> QuestionEvent:
    return QuestionEvent.objects.create(
        question=question, kind=kind, actor=by, before=str(before), after=str(after), text=text
    )


# --- links for the asker ---------------------------------------------------------------------


def data_token(question: Question) -> str:
    return signing.dumps({"reference": question.reference}, salt=DATA_LINK_SALT, compress=True)


def question_from_data_token(token: str) -> Question | None:
    """The question a link from an e-mail is about; None for a forged or expired link.

    The link stays valid as long as the data is kept (the retention period plus a year).
    """
    max_age = timedelta(days=31 * settings.LOKET_RETENTION_MONTHS + 365)
    try:
        payload = signing.loads(token, salt=DATA_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return Question.objects.filter(reference=payload.get("reference")).first()


def data_link(question: Question) -> str:
    return absolute_url(reverse("loket:my_data", args=[data_token(question)]))


def _mail_asker(question: Question, template: str, *, by=None, **context) -> None:
    """Send after the transaction commits, and note it in the history."""
    if not question.asker_email:
        return
    email = question.asker_email
    context = {"question": question, "data_link": data_link(question), **context}

    def send():
        send_templated_mail(template=template, to=email, language=question.language, context=context)

    transaction.on_commit(send)
    _event(question, QuestionEvent.Kind.MAIL, by=by, text=template.rsplit("/", 1)[-1])


def _mail_broker(template: str, **context) -> None:
    if settings.LOKET_BROKER_EMAIL:
        transaction.on_commit(
            lambda: send_templated_mail(
                template=template,
                to=settings.LOKET_BROKER_EMAIL,
                language=settings.LANGUAGE_CODE,
                context=context,
            )
        )


# --- asking ----------------------------------------------------------------------------------


@dataclass
class SubmittedQuestion:
    question: Question
    match: MatchResult


def question_submit(
    *,
    question: str,
    background: str = "",
    district: District | None = None,
    asker_kind: str,
    asker_name: str = "",
    asker_email: str,
    language: str = "nl",
    privacy_statement: PrivacyStatement,
    consent: bool,
) -> SubmittedQuestion:
    """A question from the public form: stored with its suggestions, confirmed by e-mail."""
    if not consent:
        raise ValidationError(_("Zonder toestemming kunnen we je vraag niet opslaan."))
    # Matching loads the encoder on first use; do it before taking the write lock.
    result = match(f"{question}\n{background}")
    suggestions, similar = _stored_suggestions(result)
    now = timezone.now()
    with transaction.atomic():
        record = Question(
            # Replaced by the real reference once the row has its number.
            reference=f"tmp-{uuid.uuid4().hex[:16]}",
            question=question,
            background=background,
            district=district,
            asker_kind=asker_kind,
            asker_name=asker_name,
            asker_email=asker_email,
            language=language,
            consent_at=now,
            privacy_statement=privacy_statement,
            due_date=timezone.localdate(now) + timedelta(days=settings.LOKET_ANSWER_DAYS),
            suggestions=suggestions,
            similar_questions=similar,
            no_match=result.no_match,
            created_at=now,
        )
        record.full_clean(exclude=["reference"])
        record.save()
        # The reference is the year and the row number: unique without a counter table.
        record.reference = f"{timezone.localdate(now).year}-{record.pk:05d}"
        record.save(update_fields=["reference"])
        _event(record, QuestionEvent.Kind.RECEIVED, after=Status.NIEUW)
        # With each project's address and leads: the e-mail links to them.
        _mail_asker(record, "loket/email/ontvangen", suggestions=project_suggestions(suggestions))
        _mail_broker("loket/email/nieuwe_vraag", question=record)
    return SubmittedQuestion(record, result)


def question_rematch(*, question: Question, by) -> Question:
    result = match(f"{question.question}\n{question.background}")
    with transaction.atomic():
        question.suggestions, question.similar_questions = _stored_suggestions(result)
        question.no_match = result.no_match
        question.save(update_fields=["suggestions", "similar_questions", "no_match", "updated_at"])
        _event(question, QuestionEvent.Kind.MATCHED, by=by)
    return question


# --- the broker's workflow -------------------------------------------------------------------


def allowed_statuses(question: Question) -> tuple[str, ...]:
    return TRANSITIONS.get(question.status, ())


@transaction.atomic
def question_change_status(*, question: Question, status: str, by, reason: str = "") -> Question:
    """Move a question along the workflow; the asker is e-mailed on the statuses that matter."""
    if status not in allowed_statuses(question):
        raise ValidationError(
            _("Van “%(from)s” kan een vraag niet naar “%(to)s”.")
            % {
                "from": question.get_status_display(),
                "to": Status(status).label if status in Status else status,
            }
        )
    reason = reason.strip()
    if status == Status.NIET_PASSEND and not reason:
        raise ValidationError(
            _("Geef aan waarom de vraag niet passend is; de vraagsteller krijgt dit te lezen.")
        )
    if status == Status.BEANTWOORD and not question.answer.strip():
        raise ValidationError(_("Schrijf eerst het antwoord; de vraagsteller krijgt het per e-mail."))
    if status == Status.DOORVERWEZEN and not question.assigned_organisation_id:
        raise ValidationError(_("Wijs eerst een organisatie toe om naar door te verwijzen."))
    before = question.status
    now = timezone.now()
    question.status = status
    question.status_reason = reason
    if status == Status.BEANTWOORD:
        question.answered_at = now
    if status in CLOSED_STATUSES:
        question.closed_at = now
    elif before in CLOSED_STATUSES:
        question.closed_at = None
    question.save()
    _event(question, QuestionEvent.Kind.STATUS, by=by, before=before, after=status, text=reason)
    if status in ASKER_MAIL_TEMPLATES:
        _mail_asker(question, ASKER_MAIL_TEMPLATES[status], by=by, reason=reason)
    return question


@transaction.atomic
def question_assign(*, question: Question, organisation, contact: str, by) -> Question:
    before = " / ".join(filter(None, [str(question.assigned_organisation or ""), question.assigned_contact]))
    question.assigned_organisation = organisation
    question.assigned_contact = contact.strip()
    question.save(update_fields=["assigned_organisation", "assigned_contact", "updated_at"])
    after = " / ".join(filter(None, [str(organisation or ""), question.assigned_contact]))
    _event(question, QuestionEvent.Kind.ASSIGNED, by=by, before=before, after=after)
    return question


@transaction.atomic
def question_set_handler(*, question: Question, handler, by) -> Question:
    before = question.handler.get_username() if question.handler else ""
    question.handler = handler
    question.save(update_fields=["handler", "updated_at"])
    _event(
        question,
        QuestionEvent.Kind.HANDLER,
        by=by,
        before=before,
        after=handler.get_username() if handler else "",
    )
    return question


@transaction.atomic
def question_set_due_date(*, question: Question, due_date: date | None, by) -> Question:
    before = question.due_date.isoformat() if question.due_date else ""
    question.due_date = due_date
    question.save(update_fields=["due_date", "updated_at"])
    _event(
        question, QuestionEvent.Kind.DUE, by=by, before=before, after=due_date.isoformat() if due_date else ""
    )
    return question


@transaction.atomic
def question_add_note(*, question: Question, text: str, by) -> QuestionEvent:
    text = text.strip()
    if not text:
        raise ValidationError(_("Een notitie mag niet leeg zijn."))
    question.save(update_fields=["updated_at"])
    return _event(question, QuestionEvent.Kind.NOTE, by=by, text=text)


@transaction.atomic
def question_set_answer(*, question: Question, answer: str, by) -> Question:
    before = question.answer
    question.answer = answer.strip()
    question.save(update_fields=["answer", "updated_at"])
    _event(question, QuestionEvent.Kind.ANSWER, by=by, before=before, after=question.answer)
    return question


# --- Leren met de Stad -----------------------------------------------------------------------


def _assignment_update(
    assignment: Assignment, text: str, *, by=None, status: str = "", public: bool = True
) -> AssignmentUpdate:
    return AssignmentUpdate.objects.create(
        assignment=assignment, actor=by, status=status, text=text, is_public=public
    )


@transaction.atomic
def assignment_create(
    *,
    question: Question | None,
    title: str,
    description: str,
    section=None,
    district: District | None = None,
    levels: list[str],
    size: str,
    by,
) -> Assignment:
    """An open assignment, usually made from a question (which then becomes "uitgezet als opdracht")."""
    if not levels:
        raise ValidationError(_("Kies ten minste één niveau (mbo, hbo of wo)."))
    assignment = Assignment(
        question=question,
        title=title.strip(),
        description=description.strip(),
        section=section,
        district=district,
        for_mbo="mbo" in levels,
        for_hbo="hbo" in levels,
        for_wo="wo" in levels,
        size=size,
    )
    assignment.full_clean()
    assignment.save()
    _assignment_update(assignment, _("Opgave opengesteld."), by=by, status=Assignment.Status.OPEN)
    if question is not None:
        _event(question, QuestionEvent.Kind.ASSIGNMENT, by=by, after=assignment.title)
        if Status.OPDRACHT in allowed_statuses(question):
            question_change_status(question=question, status=Status.OPDRACHT, by=by)
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, by, **fields) -> Assignment:
    levels = fields.pop("levels", None)
    if levels is not None:
        if not levels:
            raise ValidationError(_("Kies ten minste één niveau (mbo, hbo of wo)."))
        fields.update(for_mbo="mbo" in levels, for_hbo="hbo" in levels, for_wo="wo" in levels)
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.full_clean()
    assignment.save()
    _assignment_update(assignment, _("Omschrijving bijgewerkt."), by=by)
    return assignment


def interest_register(
    *,
    assignment: Assignment,
    name: str,
    email: str,
    role: str,
    institution: str,
    message: str,
    privacy_statement: PrivacyStatement,
    consent: bool,
    language: str = "nl",
) -> Interest:
    if not consent:
        raise ValidationError(_("Zonder toestemming kunnen we je aanmelding niet opslaan."))
    if assignment.status != Assignment.Status.OPEN:
        raise ValidationError(_("Deze opgave is niet meer open voor aanmeldingen."))
    with transaction.atomic():
        interest = Interest(
            assignment=assignment,
            name=name.strip(),
            email=email.strip(),
            role=role,
            institution=institution.strip(),
            message=message.strip(),
            consent_at=timezone.now(),
            privacy_statement=privacy_statement,
        )
        interest.full_clean()
        interest.save()
        transaction.on_commit(
            lambda: send_templated_mail(
                template="loket/email/aanmelding_ontvangen",
                to=interest.email,
                language=language,
                context={"interest": interest, "assignment": assignment},
            )
        )
        _mail_broker("loket/email/nieuwe_aanmelding", interest=interest, assignment=assignment)
    return interest


@transaction.atomic
def assignment_choose_interest(*, assignment: Assignment, interest: Interest, by) -> Assignment:
    if interest.assignment_id != assignment.pk:
        raise ValidationError(_("Deze aanmelding hoort niet bij deze opgave."))
    if assignment.status not in (Assignment.Status.OPEN, Assignment.Status.ASSIGNED):
        raise ValidationError(_("Een afgeronde of ingetrokken opgave kan niet meer worden toegewezen."))
    assignment.chosen_interest = interest
    assignment.status = Assignment.Status.ASSIGNED
    assignment.save(update_fields=["chosen_interest", "status", "updated_at"])
    _assignment_update(
        assignment,
        _("Toegewezen aan %(name)s (%(institution)s).")
        % {"name": interest.name, "institution": interest.institution},
        by=by,
        status=Assignment.Status.ASSIGNED,
        public=False,  # names a student; the public page shows only the new status
    )
    transaction.on_commit(
        lambda: send_templated_mail(
            template="loket/email/opgave_toegewezen",
            to=interest.email,
            language=settings.LANGUAGE_CODE,
            context={"interest": interest, "assignment": assignment},
        )
    )
    return assignment


@transaction.atomic
def assignment_record_progress(
    *,
    assignment: Assignment,
    text: str,
    by,
    status: str = "",
    result: str | None = None,
    result_url: str | None = None,
    public: bool = True,
) -> AssignmentUpdate:
    text = text.strip()
    if not text:
        raise ValidationError(_("Beschrijf de voortgang."))
    new_result = assignment.result if result is None else result.strip()
    if status == Assignment.Status.DONE and not new_result:
        raise ValidationError(_("Beschrijf het resultaat voordat je de opgave afrondt."))
    if result is not None:
        assignment.result = new_result
    if result_url is not None:
        assignment.result_url = result_url.strip()
    if status:
        assignment.status = status
    assignment.full_clean()
    assignment.save()
    return _assignment_update(assignment, text, by=by, status=status, public=public)


# --- the knowledge base ----------------------------------------------------------------------


def _unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100] or "vraag"
    slug, n = base, 2
    while PublishedAnswer.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def answer_publish(
    *, question: Question | None, title: str, answer: str, section=None, projects=(), organisations=(), by
) -> PublishedAnswer:
    """Publish an answered question, rewritten without personal data, in the knowledge base."""
    if question is not None and question.status not in (Status.BEANTWOORD, Status.AFGESLOTEN):
        raise ValidationError(_("Alleen een beantwoorde vraag kan in de kennisbank."))
    published = PublishedAnswer(
        question=question,
        slug=_unique_slug(title),
        title=title.strip(),
        answer=answer.strip(),
        section=section,
    )
    published.full_clean()
    published.save()
    published.projects.set(projects)
    published.organisations.set(organisations)
    if question is not None:
        _event(question, QuestionEvent.Kind.PUBLISHED, by=by, after=published.title)
    _reindex_answer(published)
    return published


@transaction.atomic
def answer_update(
    *, published: PublishedAnswer, by, projects=None, organisations=None, **fields
) -> PublishedAnswer:
    for name, value in fields.items():
        setattr(published, name, value.strip() if isinstance(value, str) else value)
    published.full_clean()
    published.save()
    if projects is not None:
        published.projects.set(projects)
    if organisations is not None:
        published.organisations.set(organisations)
    _reindex_answer(published)
    return published


def _reindex_answer(published: PublishedAnswer) -> None:
    from kennisstad.search.services import index_published_answers, remove_document

    if published.is_published:
        index_published_answers([published])
    else:
        remove_document("question", published.pk)


# --- privacy ---------------------------------------------------------------------------------


def email_hash(email: str) -> str:
    """A keyed hash of the address: lets a re-applied erasure recognise the person without the
    stored hash revealing who it was (see ``kennisstad.lib.erasure_journal``)."""
    return erasure_journal.email_hash(email)


def asker_data(question: Question) -> dict:
    """Everything stored about the asker of this question, machine-readable."""
    return {
        "reference": question.reference,
        "received": question.created_at.isoformat(),
        "question": question.question,
        "background": question.background,
        "district": question.district.name if question.district else None,
        "asker_kind": question.asker_kind,
        "name": question.asker_name,
        "email": question.asker_email,
        "language": question.language,
        "consent_given": question.consent_at.isoformat() if question.consent_at else None,
        "privacy_statement_version": question.privacy_statement.version
        if question.privacy_statement
        else None,
        "status": question.status,
        "status_reason": question.status_reason,
        "answer": question.answer,
        "history": [
            {"at": e.at.isoformat(), "what": e.kind, "status": e.after if e.kind == "status" else None}
            for e in question.events.exclude(kind=QuestionEvent.Kind.NOTE)
        ],
    }


@transaction.atomic
def asker_data_exported(*, question: Question) -> dict:
    data = asker_data(question)
    _event(question, QuestionEvent.Kind.EXPORTED)
    return data


def _record_erasure(*, reference: str, email: str, reason: str) -> None:
    """The Erasure row and the journal line that makes a restore erase this person again.

    The line is written before the transaction commits: should it roll back, re-applying the
    journal later only erases what was about to be erased anyway, whereas writing it after the
    commit could lose the line in a crash and bring the person back with an older backup."""
    at = timezone.now()
    hashed = email_hash(email)
    Erasure.objects.create(reference=reference, email_hash=hashed, reason=reason, at=at)
    erasure_journal.append(reference=reference, email_hash=hashed, at=at, reason=reason)


def _interest_reference(interest: Interest) -> str:
    return f"aanmelding-{interest.pk}"


def _anonymise(question: Question, *, remove_text: bool) -> None:
    question.asker_name = ""
    question.asker_email = ""
    if remove_text:
        question.question = ERASED_TEXT
        question.background = ""
        question.answer = ""
    question.anonymised_at = timezone.now()
    question.save()


def asker_data_erased(question: Question) -> bool:
    """True once the asker had their data removed (not merely the contact data, by retention)."""
    return bool(question.anonymised_at and not question.asker_email and question.question == ERASED_TEXT)


@transaction.atomic
def asker_data_erase(*, question: Question) -> Question:
    """The asker asked to remove their data: name, e-mail, question and answer texts go; the
    reference, status, dates, district and kind of asker stay for the anonymous figures. An open
    question is closed, since nobody can be answered any more."""
    if asker_data_erased(question):
        return question
    _record_erasure(reference=question.reference, email=question.asker_email, reason="request")
    _erase_question(question)
    return question


def _erase_question(question: Question, *, text: str = "") -> None:
    # Status reasons were written to the asker and may quote them, like notes and answers.
    question.status_reason = ""
    _anonymise(question, remove_text=True)
    question.events.filter(kind=QuestionEvent.Kind.NOTE).update(text=ERASED_TEXT)
    question.events.filter(kind=QuestionEvent.Kind.STATUS).exclude(text="").update(text=ERASED_TEXT)
    question.events.filter(kind=QuestionEvent.Kind.ANSWER).update(before="", after="")
    if question.is_open:
        before = question.status
        question.status = Status.AFGESLOTEN
        question.closed_at = timezone.now()
        question.save(update_fields=["status", "closed_at"])
        _event(
            question,
            QuestionEvent.Kind.STATUS,
            before=before,
            after=question.status,
            text=_("Op verzoek van de vraagsteller verwijderd."),
        )
    _event(question, QuestionEvent.Kind.ANONYMISED, text=text or _("Op verzoek van de vraagsteller."))


@dataclass
class RetentionCounts:
    questions: int = 0
    interests: int = 0


def anonymise_expired(*, now=None, months: int | None = None, dry_run: bool = False) -> RetentionCounts:
    """Remove askers' names and e-mail addresses from questions closed longer than the retention
    period, and the registrations for assignments finished that long ago. Question texts stay:
    the broker needs them to recognise a question coming back, and they hold no contact data."""
    now = now or timezone.now()
    months = settings.LOKET_RETENTION_MONTHS if months is None else months
    cutoff = now - timedelta(days=round(months * 30.44))
    questions = Question.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).order_by("pk")
    interests = Interest.objects.filter(
        anonymised_at__isnull=True,
        assignment__status__in=[Assignment.Status.DONE, Assignment.Status.WITHDRAWN],
        assignment__updated_at__lt=cutoff,
    ).order_by("pk")
    counts = RetentionCounts(questions.count(), interests.count())
    if dry_run:
        return counts
    with transaction.atomic():
        for question in questions:
            _record_erasure(reference=question.reference, email=question.asker_email, reason="retention")
            _anonymise(question, remove_text=False)
            _event(question, QuestionEvent.Kind.ANONYMISED, text=_("Bewaartermijn verstreken."))
        for interest in interests:
            _record_erasure(reference=_interest_reference(interest), email=interest.email, reason="retention")
            _anonymise_interest(interest, now=now)
    return counts


def _anonymise_interest(interest: Interest, *, now) -> None:
    # "Toegewezen aan <name> (...)" in the assignment's history names the student too.
    if interest.name:
        for update in interest.assignment.updates.filter(text__contains=interest.name):
            update.text = update.text.replace(interest.name, ERASED_TEXT)
            update.save(update_fields=["text"])
    interest.name = ""
    interest.email = ""
    interest.message = ERASED_TEXT
    interest.anonymised_at = now
    interest.save(update_fields=["name", "email", "message", "anonymised_at"])


@dataclass
class ReapplyCounts:
    entries: int = 0
    questions: int = 0
    interests: int = 0
    records: int = 0
    journalled: int = 0


def _same_person(*, created_at, email: str, entry: erasure_journal.JournalEntry) -> bool:
    """Whether a row is the one the journal entry erased, not a later one that got the same number.

    Restoring an older backup also restores the id counters, so a question sent after the
    restore can get the reference of one erased before it: it was created after the erasure,
    and its address (if it still has one) has another hash."""
    if created_at > entry.at:
        return False
    return not email or email_hash(email) == entry.email_hash


def erasures_reapply(*, dry_run: bool = False) -> ReapplyCounts:
    """Erase again everyone the erasure journal names, typically after restoring a backup.

    Questions and registrations are found by their reference (as erasure works: per question or
    registration, not per address); a removal on request removes the texts as well, retention
    only the contact data. Missing Erasure rows are re-created with their original time, and
    Erasure rows the journal lacks (erasures from before it existed) are added to it. Running it
    again changes nothing."""
    counts = ReapplyCounts()
    now = timezone.now()
    text = _("Opnieuw verwijderd na het terugzetten van een back-up.")
    with transaction.atomic():
        entries = erasure_journal.read()
        journalled = {(entry.reference, entry.reason) for entry in entries}
        for erasure in Erasure.objects.order_by("at", "pk"):
            if (erasure.reference, erasure.reason) in journalled:
                continue
            entry = erasure_journal.JournalEntry(
                erasure.reference, erasure.email_hash, erasure.at, erasure.reason
            )
            if not dry_run:
                erasure_journal.append(
                    reference=entry.reference, email_hash=entry.email_hash, at=entry.at, reason=entry.reason
                )
            journalled.add((entry.reference, entry.reason))
            entries.append(entry)
            counts.journalled += 1
        counts.entries = len(entries)
        recorded = set(Erasure.objects.values_list("reference", "reason"))
        for entry in entries:
            if (entry.reference, entry.reason) not in recorded:
                Erasure.objects.create(
                    reference=entry.reference, email_hash=entry.email_hash, at=entry.at, reason=entry.reason
                )
                recorded.add((entry.reference, entry.reason))
                counts.records += 1
            if entry.reference.startswith("aanmelding-"):
                number = entry.reference.removeprefix("aanmelding-")
                interest = (
                    Interest.objects.filter(pk=int(number), anonymised_at__isnull=True).first()
                    if number.isdigit()
                    else None
                )
                if interest and _same_person(
                    created_at=interest.created_at, email=interest.email, entry=entry
                ):
                    _anonymise_interest(interest, now=now)
                    counts.interests += 1
                continue
            question = Question.objects.filter(reference=entry.reference).first()
            if question is None or not _same_person(
                created_at=question.created_at, email=question.asker_email, entry=entry
            ):
                continue
            if entry.reason == "request":
                if not asker_data_erased(question):
                    _erase_question(question, text=text)
                    counts.questions += 1
            elif question.anonymised_at is None:
                _anonymise(question, remove_text=False)
                _event(question, QuestionEvent.Kind.ANONYMISED, text=text)
                counts.questions += 1
        if dry_run:
            transaction.set_rollback(True)
    return counts


# --- districts -------------------------------------------------------------------------------


@transaction.atomic
def districts_load(names: list[str]) -> int:
    """Add the districts not yet known, in the given order after the existing ones; returns how
    many were added. Existing districts (perhaps renamed or hidden by the city) are left alone."""
    known = set(District.objects.values_list("name", flat=True))
    position = District.objects.count()
    added = 0
    for name in names:
        name = name.strip()
        if name and name not in known:
            District.objects.create(name=name, position=position)
            known.add(name)
            position += 1
            added += 1
    return added


def warm_up_matcher() -> None:
    """Build the matcher in a background thread (the encoder and the current projects' vectors).

    Called by web server processes at start; a failure (e.g. the database is not migrated yet)
    only means the first question pays the cost instead.
    """
    import logging
    import threading

    from django.db import connection

    def build():
        try:
            match("opwarmen")
        except Exception:  # noqa: BLE001 - warming is best effort, the request path builds it too
            logging.getLogger(__name__).info("matcher warm-up skipped", exc_info=True)
        finally:
            connection.close()

    threading.Thread(target=build, name="matcher-warm-up", daemon=True).start()

"""Asking a question: the public form, the confirmation page and live suggestions while typing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kennisstad.lib.formguard import plain_text
from kennisstad.lib.ratelimit import too_many

from .. import selectors, services
from ..forms import QuestionForm
from ..models import Question

SESSION_KEY = "loket_received"
# Live suggestions are cheap for the visitor to trigger (one per pause in typing): a generous
# limit of its own, so typing never uses up the limit on sending questions.
SUGGESTIONS_PER_HOUR = 60
SUGGESTIONS_MIN_LENGTH = 15


@require_http_methods(["GET", "POST"])
def ask(request):
    statement = services.current_privacy_statement()
    status = 200
    # Without a privacy statement nobody can consent, so the page only says so.
    if request.method == "POST" and statement is not None:
        form = QuestionForm(request.POST)
        if too_many(
            scope="loket-ask", request=request, limit=settings.LOKET_POSTS_PER_HOUR, window_seconds=3600
        ):
            status = 429
            form.add_error(
                None,
                _(
                    "Er zijn het afgelopen uur te veel vragen vanaf dit adres verstuurd. Je tekst staat er nog; "
                    "probeer het over een uur opnieuw."
                ),
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                submitted = services.question_submit(
                    question=data["question"],
                    background=data["background"],
                    district=data["district"],
                    asker_kind=data["asker_kind"],
                    asker_name=data["name"],
                    asker_email=data["email"],
                    language=request.LANGUAGE_CODE,
                    privacy_statement=statement,
                    consent=True,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                request.session[SESSION_KEY] = submitted.question.pk
                return redirect("loket:ask_received")
    else:
        form = QuestionForm()
    context = {
        "form": form,
        "statement": statement,
        "errors": form.error_summary() if form.is_bound else [],
        "answer_days": settings.LOKET_ANSWER_DAYS,
    }
    return render(request, "loket/ask.html", context, status=status)


@require_http_methods(["GET"])
def ask_received(request):
    # Only the browser that sent the question sees it: the page is found through the session,
    # never through a reference in the address that others could guess.
    pk = request.session.get(SESSION_KEY)
    question = Question.objects.select_related("district").filter(pk=pk).first() if pk else None
    if question is None:
        return redirect("loket:ask")
    context = {
        "question": question,
        "suggestions": selectors.project_suggestions(question.suggestions or []),
        "similar": [
            s for s in selectors.question_similar_answers(question) if s.answer and s.answer.is_published
        ],
    }
    return render(request, "loket/ask_received.html", context)


@require_http_methods(["GET", "POST"])
def ask_suggestions(request):
    """The "misschien helpt dit al" fragment for the text typed so far; stores nothing."""
    params = request.POST if request.method == "POST" else request.GET
    text = plain_text(params.get("question", "")[: services.LIMITS["question"]])
    context = {"live": None, "suggestions": [], "similar": []}
    status = 200
    if len(text) >= SUGGESTIONS_MIN_LENGTH:
        if too_many(scope="loket-suggest", request=request, limit=SUGGESTIONS_PER_HOUR, window_seconds=3600):
            status = 429
            context["limited"] = True
        else:
            result = services.match(text)
            context = {
                "live": result,
                "suggestions": selectors.project_suggestions(
                    [
                        {"key": s.key, "title": s.title, "score": s.score, "reason": s.reason}
                        for s in result.suggestions
                    ]
                ),
                "similar": [
                    {"slug": q.id, "title": q.question, "score": q.score} for q in result.similar_questions
                ],
            }
    return render(request, "loket/ask.html#live", context, status=status)

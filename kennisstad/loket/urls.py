from django.urls import path

from .views import ask, assignments, inbox, knowledge, privacy

app_name = "loket"

urlpatterns = [
    # Public: asking, the knowledge base, assignments for students, privacy.
    path("vraag/", ask.ask, name="ask"),
    path("vraag/ontvangen/", ask.ask_received, name="ask_received"),
    path("vraag/suggesties/", ask.ask_suggestions, name="ask_suggestions"),
    path("kennisbank/", knowledge.answers, name="answers"),
    path("kennisbank/<slug:slug>/", knowledge.answer, name="answer"),
    path("opgaven/", assignments.assignments, name="assignments"),
    path("opgaven/<int:pk>/", assignments.assignment, name="assignment"),
    path("privacy/", privacy.statement, name="privacy"),
    path("privacy/<str:version>/", privacy.statement, name="privacy_version"),
    path("mijn-gegevens/<str:token>/", privacy.my_data, name="my_data"),
    # The broker's back office.
    path("backoffice/kennisloket/", inbox.inbox, name="inbox"),
    path("backoffice/kennisloket/vraag/<str:reference>/", inbox.question, name="inbox_question"),
    path("backoffice/kennisloket/vraag/<str:reference>/status/", inbox.question_status, name="inbox_status"),
    path(
        "backoffice/kennisloket/vraag/<str:reference>/toewijzen/", inbox.question_assign, name="inbox_assign"
    ),
    path("backoffice/kennisloket/vraag/<str:reference>/notitie/", inbox.question_note, name="inbox_note"),
    path("backoffice/kennisloket/vraag/<str:reference>/streefdatum/", inbox.question_due, name="inbox_due"),
    path(
        "backoffice/kennisloket/vraag/<str:reference>/antwoord/", inbox.question_answer, name="inbox_answer"
    ),
    path(
        "backoffice/kennisloket/vraag/<str:reference>/suggesties/",
        inbox.question_rematch,
        name="inbox_rematch",
    ),
    path(
        "backoffice/kennisloket/vraag/<str:reference>/opgave/",
        inbox.question_assignment,
        name="inbox_make_assignment",
    ),
    path(
        "backoffice/kennisloket/vraag/<str:reference>/publiceren/",
        inbox.question_publish,
        name="inbox_publish",
    ),
    path("backoffice/kennisloket/opgaven/", assignments.backoffice_list, name="backoffice_assignments"),
    path(
        "backoffice/kennisloket/opgaven/<int:pk>/",
        assignments.backoffice_detail,
        name="backoffice_assignment",
    ),
    path("backoffice/kennisloket/kennisbank/", knowledge.backoffice_list, name="backoffice_answers"),
    path("backoffice/kennisloket/kennisbank/<int:pk>/", knowledge.backoffice_edit, name="backoffice_answer"),
]

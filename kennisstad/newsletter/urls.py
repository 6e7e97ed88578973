from django.urls import path

from . import backoffice, views

app_name = "newsletter"

urlpatterns = [
    path("nieuwsbrief/", views.subscribe, name="subscribe"),
    path("nieuwsbrief/aangevraagd/", views.subscribe_sent, name="subscribe_sent"),
    path("nieuwsbrief/bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("nieuwsbrief/afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("nieuwsbrief/mijn-gegevens/<str:token>/", views.my_data, name="my_data"),
    path("nieuwsbrief/verwijderd/", views.erased, name="erased"),
    path("backoffice/nieuwsbrief/", backoffice.issue_list, name="issues"),
    path("backoffice/nieuwsbrief/nieuw/", backoffice.issue_new, name="issue_new"),
    path("backoffice/nieuwsbrief/<int:pk>/", backoffice.issue, name="issue"),
    path("backoffice/nieuwsbrief/<int:pk>/voorbeeld/", backoffice.issue_preview, name="issue_preview"),
    path("backoffice/nieuwsbrief/<int:pk>/testmail/", backoffice.issue_test, name="issue_test"),
    path("backoffice/nieuwsbrief/<int:pk>/versturen/", backoffice.issue_send, name="issue_send"),
    path("backoffice/nieuwsbrief/<int:pk>/portie/", backoffice.issue_send_batch, name="issue_send_batch"),
]

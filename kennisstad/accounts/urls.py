"""Password reset and invitations for back-office users, under /backoffice/wachtwoord/.

The names of Django's own views are kept (``password_reset_done`` …): Django's views redirect to them.
"""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from .forms import BackOfficePasswordResetForm
from .views import ChoosePasswordView

app_name = "accounts"

# The pages use the admin's look; these are the titles the admin's own pages show.
ADMIN_CONTEXT = {"site_header": _("Kennisstad backoffice"), "site_title": _("Kennisstad backoffice")}


def _page(title) -> dict:
    return {**ADMIN_CONTEXT, "title": title}


urlpatterns = [
    path(
        "",
        auth_views.PasswordResetView.as_view(
            form_class=BackOfficePasswordResetForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/wachtwoord_herstellen.txt",
            subject_template_name="accounts/email/wachtwoord_herstellen_onderwerp.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context=_page(_("Wachtwoord vergeten")),
        ),
        name="password_reset",
    ),
    path(
        "verstuurd/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html", extra_context=_page(_("Kijk in je e-mail"))
        ),
        name="password_reset_done",
    ),
    path(
        "nieuw/<uidb64>/<token>/",
        ChoosePasswordView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context=_page(_("Nieuw wachtwoord kiezen")),
        ),
        name="password_reset_confirm",
    ),
    path(
        "welkom/<uidb64>/<token>/",
        ChoosePasswordView.as_view(
            template_name="accounts/invite_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context=_page(_("Welkom: kies een wachtwoord")),
        ),
        name="invite_confirm",
    ),
    path(
        "ingesteld/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html",
            extra_context=_page(_("Wachtwoord ingesteld")),
        ),
        name="password_reset_complete",
    ),
]

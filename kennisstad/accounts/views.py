from django.contrib.auth.views import PasswordResetConfirmView
from django.utils.translation import gettext_lazy as _


class ChoosePasswordView(PasswordResetConfirmView):
    """Django's view behind a reset or invitation link, with our own title when the link fails."""

    invalid_title = _("Deze link werkt niet (meer)")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["validlink"]:
            context["title"] = self.invalid_title
        return context

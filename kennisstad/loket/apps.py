from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoketConfig(AppConfig):
    name = "kennisstad.loket"
    verbose_name = _("Kennisloket")

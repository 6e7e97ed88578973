from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "kennisstad.history"
    verbose_name = _("Geschiedenis")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .recording import fill_historical_record

        pre_create_historical_record.connect(fill_historical_record, dispatch_uid="kennisstad.history.fill")

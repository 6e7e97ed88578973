"""The admin's "Geschiedenis" button leads to the history page of ``kennisstad.history``."""

from django.shortcuts import redirect

from .views import history_url


class HistoryLinkedAdmin:
    """ModelAdmin mixin: the change page's history object-tool opens our timeline, with diffs and restore."""

    def history_view(self, request, object_id, extra_context=None):
        return redirect(history_url(self.model._meta.label_lower, object_id))

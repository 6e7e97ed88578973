"""Who, why and through which import a change is made, for the historical records it writes.

django-simple-history takes the user from the request (its middleware); services and commands
that run outside a request, or on behalf of an import run, wrap their writes in ``recording``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Recording:
    by: Any = None
    import_run: Any = None
    action: str = ""
    reason: str = ""


_current: ContextVar[Recording | None] = ContextVar("kennisstad_history_recording", default=None)


@contextmanager
def recording(*, by=None, import_run=None, action: str = "", reason: str = "") -> Iterator[Recording]:
    """Every historical record written inside this block gets this user, import run, action and reason."""
    current = Recording(by=by, import_run=import_run, action=action, reason=reason)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


def current_recording() -> Recording | None:
    return _current.get()


def fill_historical_record(sender, history_instance, **kwargs) -> None:
    """Receiver of simple-history's ``pre_create_historical_record``."""
    current = _current.get()
    if current is None or not hasattr(history_instance, "import_run_id"):
        return
    if getattr(current.by, "pk", None) is not None:
        history_instance.history_user_id = current.by.pk
    if current.import_run is not None:
        history_instance.import_run = current.import_run
        if history_instance.history_user_id is None and current.import_run.by_id is not None:
            history_instance.history_user_id = current.import_run.by_id
    if current.action:
        history_instance.history_action = current.action
    if current.reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = current.reason[:100]

"""Who may use the kennisloket's back office: one decorator for every back-office view."""

from kennisstad.lib.access import back_office_required

BROKER_PERMISSION = "loket.handle_question"


def is_broker(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(BROKER_PERMISSION)


# Superusers have every permission.
broker_required = back_office_required(is_broker)

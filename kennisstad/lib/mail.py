"""Sending e-mail written from templates, in the recipient's language."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for an e-mail: there is no request to take the host from."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated_mail(*, template: str, to: str, language: str, context: dict) -> EmailMessage:
    """Render ``<template>.txt``: its first line is the subject, the rest the body.

    One template per message keeps subject and body translated together.
    """
    with translation.override(language):
        text = render_to_string(
            f"{template}.txt", {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        )
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[to])
    message.send()
    return message

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kennisstad.api.jsonld import project_jsonld

register = template.Library()

# As django.utils.html.json_script: no "</script>", "<!--" or "&" can end the block early.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def project_schema_org(context, project):
    """The project's schema.org data in a ``<script type="application/ld+json">`` block: data,
    never run by the browser, so the Content-Security-Policy needs no exception for it."""
    data = json.dumps(project_jsonld(project, context["request"]), cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data.translate(_ESCAPES)))

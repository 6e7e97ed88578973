"""Markdown written in the back office, turned into HTML that is safe to show on the public site."""

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# CommonMark without raw HTML: what an editor types as <script> stays text.
_parser = MarkdownIt("commonmark", {"html": False})

ALLOWED_TAGS = {
    "p",
    "a",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "br",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
# No javascript:, data: or vbscript: links.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """``text`` (Markdown) as HTML with only the allowed tags; links get rel="noopener nofollow".

    A heading of level 1 becomes level 2 and deeper levels stop at 4, so a text never breaks the
    page's heading order (the page has the one h1).
    """
    rendered = _parser.render(text or "")
    rendered = rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    for level in (5, 6):
        rendered = rendered.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # nh3 kept only the allow-listed tags, attributes and URL schemes


def plain_text(text: str) -> str:
    """The Markdown without markup, for iCalendar descriptions and search."""
    return html.unescape(nh3.clean(_parser.render(text or ""), tags=set())).strip()

"""News and events on other apps' pages, without touching their views: one include line each."""

from django import template

from kennisstad.portfolio.models import Section

from .. import selectors

register = template.Library()


@register.inclusion_tag("news/includes/home_block.html")
def home_news():
    return {"items": selectors.latest_news(limit=3), "events": list(selectors.upcoming_events()[:3])}


@register.inclusion_tag("news/includes/related_block.html")
def related_news(subject):
    """The published news and upcoming events linked to a theme, project or organisation."""
    return {
        "subject": subject,
        "items": selectors.news_about(subject),
        "events": selectors.upcoming_events_about(subject),
        "section": subject if isinstance(subject, Section) else None,
    }

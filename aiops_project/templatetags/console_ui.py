"""The console's small pieces of markup, in one place for every page (the console, the incident page, chat's link
page):

    {% load console_ui %}
    {% badge incident.severity %} {% badge run.status run.get_status_display id="run-status" %}
    {% reltime entry.at %}

A badge's colour comes from TONES, so a value looks the same wherever it shows; a time reads "3 min ago", with the
absolute UTC time on hover, and static/console/reltime.js keeps it fresh (its wording is `relative`'s).
Elements that must stay on one line carry the class `one-line` (tests/test_console_layout.py measures them).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# Severities, risks and every status an incident, event, run, step or approval can have, by tone.
TONES: dict[str, str] = {
    "critical": "bad", "warning": "warn", "info": "info",
    "HIGH": "bad", "MEDIUM": "warn", "LOW": "ok",
    "open": "bad", "acknowledged": "warn", "resolved": "ok", "firing": "bad",
    "pending": "warn", "waiting_approval": "warn", "queued": "info", "running": "info",
    "succeeded": "ok", "approved": "ok", "failed": "bad", "rejected": "bad", "expired": "bad",
    "skipped": "neutral",
}


@register.simple_tag
def badge(value: object, label: object = None, *, id: str = "") -> SafeString:
    """A severity, risk or status as a badge: its tone from TONES (unknown values are neutral), `label` for text
    when it differs from the value (a display name), `id` for the element's id."""
    key = str(value)
    text = key if label is None else str(label)
    return format_html('<span class="badge one-line tone-{}"{}>{}</span>', TONES.get(key, "neutral"), _id(id), text)


def _id(value: str) -> SafeString | str:
    return format_html(' id="{}"', value) if value else ""


def relative(seconds: float) -> str:
    """How long ago (or, negative, how far ahead) in the console's words; reltime.js words it the same way."""
    amount = abs(round(seconds))
    if amount < 10:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min"), (1, "s")):
        if amount >= size:
            count = f"{amount // size} {unit}"
            break
    return f"{count} ago" if seconds > 0 else f"in {count}"


@register.simple_tag
def reltime(value: datetime | None, *, id: str = "") -> SafeString | str:
    """`<time>` reading "3 min ago", its absolute UTC time as title; nothing for no time."""
    if value is None:
        return ""
    at = value.astimezone(UTC)
    text = relative((timezone.now() - at).total_seconds())
    return format_html('<time class="reltime one-line" datetime="{}" title="{} UTC"{}>{}</time>',
                       at.isoformat(timespec="seconds"), f"{at:%Y-%m-%d %H:%M:%S}", _id(id), text)

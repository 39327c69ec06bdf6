"""The site's building blocks: icons, avatars, star ratings, status badges.

Templates `{% load ui %}` and write `{% icon "search" %}`, `{% avatar user %}`,
`{% star_rating rating count %}`, `{% status_badge task.status %}`; the markup is built
here with format_html (a page shows dozens of them: a sub-template for each costs far
more than the few characters it writes) and the looks live in static/css/site.css.
/styleguide/ shows them all (in DEBUG).
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

register = template.Library()

# bootstrap-icons, vendored from npm as one SVG sprite (see docs/design.md).
ICON_SPRITE = "vendor/bootstrap-icons-1.13.2/bootstrap-icons.svg"

# Each category's icon, by the category's slug; any other category gets DEFAULT_CATEGORY_ICON.
CATEGORY_ICONS = {
    "cleaning": "bucket",
    "moving": "truck",
    "handyman": "hammer",
    "delivery": "box-seam",
    "furniture-assembly": "tools",
    "gardening": "flower1",
    "tech-help": "laptop",
    "other": "three-dots",
}
DEFAULT_CATEGORY_ICON = "tag"

# How many avatar colours static/css/tokens.css defines (--tk-avatar-0 … -7).
AVATAR_TONES = 8
AVATAR_SIZES = {"sm", "md", "lg", "xl"}

# A task's, bid's or agreement's status in the words people use, and the badge's tone
# (a class in site.css). Task and agreement share "completed" and "cancelled", which mean
# the same for both.
STATUS_BADGES = {
    # Task
    "open": ("Open for bids", "open"),
    "assigned": ("Assigned", "progress"),
    "expired": ("Expired", "ended"),
    # Bid
    "pending": ("Awaiting reply", "waiting"),
    "accepted": ("Accepted", "done"),
    "rejected": ("Not chosen", "ended"),
    "withdrawn": ("Withdrawn", "ended"),
    # Agreement
    "active": ("In progress", "progress"),
    "delivered": ("Delivered, to confirm", "waiting"),
    # Task and agreement
    "completed": ("Completed", "done"),
    "cancelled": ("Cancelled", "ended"),
}

# Each kind of notification's icon (Notification.Kind); a notification names no person,
# so the list shows what happened at a glance rather than a face.
NOTIFICATION_ICONS = {
    "bid_placed": "chat-left-text",
    "bid_changed": "pencil-square",
    "bid_accepted": "hand-thumbs-up",
    "bid_rejected": "dash-circle",
    "task_changed": "pencil-square",
    "agreement_delivered": "box-seam",
    "agreement_completed": "check-circle-fill",
    "agreement_cancelled": "x-circle",
    "review_published": "star-fill",
    "message": "chat-dots",
    "question": "question-circle",
    "answer": "reply",
    "moderation": "shield-exclamation",
}
DEFAULT_NOTIFICATION_ICON = "bell"

STATUS_ICONS = {
    "open": "circle",
    "progress": "arrow-repeat",
    "waiting": "hourglass-split",
    "done": "check-circle-fill",
    "ended": "dash-circle",
}


@register.simple_tag
def icon(name: str, label: str = "", css: str = "") -> str:
    """An icon from the sprite: hidden from screen readers, or named by `label` if given."""
    return _icon(name, label, css)


@lru_cache(maxsize=1024)
def _icon(name: str, label: str, css: str) -> str:
    # Built once per process for each (name, label, css): a page shows dozens of icons,
    # mostly the same few, and the sprite's (hashed) address is looked up once.
    href = f"{static(ICON_SPRITE)}#{name}"
    classes = f"bi {css}".strip()
    if label:
        return format_html(
            '<svg class="{}" width="1em" height="1em" role="img" aria-label="{}" focusable="false">'
            '<use href="{}"></use></svg>',
            classes,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" width="1em" height="1em" aria-hidden="true" focusable="false">'
        '<use href="{}"></use></svg>',
        classes,
        href,
    )


def _forget_icons(*, setting: str, **kwargs) -> None:
    """Tests that change where static files are served from get icons pointing there."""
    if setting in {"STATIC_URL", "STORAGES"}:
        _icon.cache_clear()


setting_changed.connect(_forget_icons)


@register.filter
def ago(moment) -> str:
    """How long ago, in its largest unit only, for scanning: "3 hours ago", "2 days ago"."""
    return f"{timesince(moment, depth=1)} ago"


@register.filter
def category_icon(category) -> str:
    """The icon name of a category (or of a category slug)."""
    slug = getattr(category, "slug", category)
    return CATEGORY_ICONS.get(slug, DEFAULT_CATEGORY_ICON)


@register.filter
def notification_icon(kind: str) -> str:
    """The icon name of a kind of notification."""
    return NOTIFICATION_ICONS.get(kind, DEFAULT_NOTIFICATION_ICON)


def initials(name: str) -> str:
    """Up to two capital letters: the first letters of the name's first two words."""
    words = re.findall(r"[^\W_]+", name or "")
    return "".join(word[0] for word in words[:2]).upper() or "?"


def avatar_tone(user) -> int:
    """The user's avatar colour, 0 to AVATAR_TONES - 1: the same for them on every page."""
    return user.pk % AVATAR_TONES


@register.simple_tag
def avatar(user, size: str = "md", decorative: bool = False, photo_url: str = "") -> str:
    """A round avatar: the photo at `photo_url` if given, otherwise initials on a colour.

    It is named by the user's name for screen readers, unless `decorative` (the name is
    written right beside it, so reading it twice would only be noise).
    """
    if size not in AVATAR_SIZES:
        raise template.TemplateSyntaxError(f"avatar size must be one of {sorted(AVATAR_SIZES)}")
    name = user.name
    # The user's own picture unless the page gives one; initials without either.
    if photo_url := photo_url or getattr(user, "photo_url", ""):
        return format_html(
            '<img class="avatar avatar-{}" src="{}" alt="{}">',
            size,
            photo_url,
            "" if decorative else name,
        )
    if decorative:
        return format_html(
            '<span class="avatar avatar-{} avatar-tone-{}" aria-hidden="true">{}</span>',
            size,
            avatar_tone(user),
            initials(name),
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-tone-{}" role="img" aria-label="{}">{}</span>',
        size,
        avatar_tone(user),
        name,
        initials(name),
    )


def rating_label(rating, count: int | None) -> str:
    """What a screen reader says for a rating: "4.5 out of 5, 12 reviews"."""
    if rating is None:
        return "No reviews yet"
    label = f"{Decimal(str(rating)).quantize(Decimal('0.1'), ROUND_HALF_UP)} out of 5"
    if count is not None:
        label += f", {count} review{'' if count == 1 else 's'}"
    return label


def star_icons(rating) -> list[str]:
    """Five icon names: whole, half and empty stars for the rating, rounded to a half."""
    halves = int((Decimal(str(rating)) * 2).quantize(Decimal("1"), ROUND_HALF_UP))
    full, half = divmod(halves, 2)
    return ["star-fill"] * full + ["star-half"] * half + ["star"] * (5 - full - half)


@register.simple_tag
def star_rating(rating, count: int | None = None) -> str:
    """A rating out of 5 as stars, the number, the count of reviews, and the same in words:
    the stars and figures are for the eye, the hidden sentence for screen readers."""
    label = rating_label(rating, count)
    if rating is None:
        return format_html('<span class="rating rating-none">{}</span>', label)
    stars = format_html_join("", "{}", ((_icon(name, "", ""),) for name in star_icons(rating)))
    shown = Decimal(str(rating)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format_html(
        '<span class="rating"><span class="rating-stars" aria-hidden="true">{}</span> '
        '<span class="rating-value" aria-hidden="true">{}</span>{}'
        '<span class="visually-hidden">{}</span></span>',
        stars,
        shown,
        ""
        if count is None
        else format_html(' <span class="rating-count" aria-hidden="true">({})</span>', count),
        label,
    )


@register.simple_tag
def status_badge(status: str, hidden: bool = False) -> str:
    """A task's, bid's or agreement's status as a coloured badge in plain words; a task a
    moderator has hidden says so, whatever its status."""
    if hidden:
        words, tone = "Hidden by a moderator", "ended"
    else:
        words, tone = STATUS_BADGES.get(status, (str(status).capitalize(), "ended"))
    return format_html(
        '<span class="badge status-badge tone-{}">{} {}</span>',
        tone,
        _icon(STATUS_ICONS[tone], "", ""),
        words,
    )

import datetime

from django import template
from django.utils import timezone

from marketplace.models import REVIEW_BLIND_DAYS

register = template.Library()


@register.filter
def completion_rate(obj) -> int | None:
    """Of the agreements that ended, the percentage completed rather than cancelled (for
    an object annotated by `selectors.reputation`); None before any ended."""
    finished = obj.completed_count + obj.cancelled_count
    return round(100 * obj.completed_count / finished) if finished else None


@register.filter
def machine_datetime(value: datetime.datetime | datetime.date | None) -> str:
    """`value` as a `<time datetime>` wants it: ISO 8601, local time, to the whole second.

    HTML allows at most three digits of a fraction of a second; Django's "c" format gives six.
    """
    if not isinstance(value, datetime.datetime):
        return value.isoformat() if value else ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag
def review_blind_days() -> int:
    """How many days a review stays private if the other side does not review."""
    return REVIEW_BLIND_DAYS


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page") -> str:
    """The current URL's query string with only the page number changed (or, where the
    context has a `page_query`, that query string: a page rendered without the request)."""
    page_query = context.get("page_query")
    query = (page_query if page_query is not None else context["request"].GET).copy()
    query[param] = number
    return f"?{query.urlencode()}"


# What a page offers comes from the models' rules; these let a template ask them.


@register.filter
def reportable_by(obj, user) -> bool:
    """`{% if review|reportable_by:user %}`: whether to offer `user` to report `obj`."""
    return obj.reportable_by(user)


@register.filter
def parties(obj, user) -> set[str]:
    """`{% if "customer" in task|parties:user %}`: the roles `user` plays on `obj`."""
    return obj.parties(user)


@register.filter
def held(obj, action: str) -> bool:
    """`{% if task|held:"bid" %}`: whether only a moderator's hold keeps `action` shut."""
    return obj.held(action)

from django.db import transaction

from accounts.models import User
from tasker.listing import people_changed

from ..models import SavedSearch

# The browse filters a saved search keeps, as its columns.
SEARCH_FILTERS = ("q", "category", "city", "budget_min", "budget_max", "remote", "near", "radius")


@transaction.atomic
def saved_search_create(*, owner: User, name: str, filters: dict, frequency: str) -> SavedSearch:
    """Keep `filters` (browse filters, cleaned by the browse form) under `name` for `owner`.

    Only tasks posted from now on are alerted: the search's created_at is the line.
    """
    values = {field: filters.get(field) for field in SEARCH_FILTERS}
    for text in ("q", "city", "near"):
        values[text] = (values[text] or "").strip()
    values["remote"] = bool(values["remote"])
    if not values["near"]:
        values["radius"] = None
    return SavedSearch.objects.create(owner=owner, name=name, frequency=frequency, **values)


@transaction.atomic
def saved_search_stop_alerts(*, search: SavedSearch) -> bool:
    """Email nothing more for `search`; return False if its alerts were already off."""
    changed = (
        SavedSearch.objects.filter(pk=search.pk)
        .exclude(frequency=SavedSearch.Frequency.NEVER)
        .update(frequency=SavedSearch.Frequency.NEVER)
    )
    search.frequency = SavedSearch.Frequency.NEVER
    if changed:
        people_changed([search.owner_id])  # a bulk update sends no post_save
    return bool(changed)

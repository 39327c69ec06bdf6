"""/healthz: is this app server able to serve? For the front server and monitoring.

Answers in a few milliseconds with JSON naming each check and its state, nothing more (no
versions, host names or error texts). 503 only when the database cannot be reached: without
it nothing works, and a load balancer should stop sending requests here. A cache that is
down or a stuck queue make the answer "degraded" with 200: the site still works (limits fail
open, emails wait in the queue), but somebody should look.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Case, F, When
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

OK, DOWN = "ok", "down"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return DOWN
    return OK


def cache_state() -> str:
    probe = str(time.monotonic_ns())
    try:
        cache.set("healthz", probe, timeout=30)
        return OK if cache.get("healthz") == probe else DOWN
    except Exception:  # whatever the cache backend raises when it cannot be reached
        return DOWN


def queue_state() -> dict:
    """The age of the oldest task that is due and waiting for a worker."""
    if settings.TASK_QUEUE != "database":
        return {"state": OK, "oldest_waiting_seconds": 0}
    from django_tasks_db.models import DBTaskResult, get_date_max

    try:
        due = (
            DBTaskResult.objects.ready()
            .annotate(
                due=Case(When(run_after=get_date_max(), then=F("enqueued_at")), default="run_after")
            )
            .order_by("due")
            .values_list("due", flat=True)
            .first()
        )
    except DatabaseError:
        return {"state": DOWN, "oldest_waiting_seconds": None}
    age = max(0, int((timezone.now() - due).total_seconds())) if due else 0
    state = OK if age <= settings.HEALTH_QUEUE_MAX_AGE else "stuck"
    return {"state": state, "oldest_waiting_seconds": age}


@never_cache
@require_safe
def healthz(request):
    checks = {"database": database_state(), "cache": cache_state(), "queue": queue_state()}
    if checks["database"] != OK:
        status = DOWN
    elif checks["cache"] != OK or checks["queue"]["state"] != OK:
        status = "degraded"
    else:
        status = OK
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == DOWN else 200)

from django.shortcuts import render

from marketplace.models import Task


def fortunes(request):
    """The framework's floor: one query for 20 rows rendered through a plain template.

    The rows come in primary-key order, which needs no sort: the floor is Django's own
    cost (middleware, ORM, template), not a slow query.
    """
    rows = list(Task.objects.order_by("-pk").values_list("id", "title")[:20])
    return render(request, "bench/baseline.html", {"rows": rows})

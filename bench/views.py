from django.shortcuts import render

from marketplace.models import Task


def fortunes(request):
    """The framework's floor: one query for 20 rows rendered through a plain template."""
    rows = list(Task.objects.values_list("id", "title")[:20])
    return render(request, "bench/baseline.html", {"rows": rows})

"""Scalar subqueries that sum up related rows: one per row shown, no GROUP BY.

A bare aggregate over the rows an outer query points at (`OuterRef`) gives exactly one
row, 0 or NULL when there is none, so it needs neither GROUP BY nor Coalesce: the
cheapest form for the database and for Django to compile.
"""

from django.db.models import DecimalField, F, FloatField, Func, IntegerField, Subquery


def row_count(queryset) -> Subquery:
    """COUNT(*) of `queryset` (0 when there are no rows)."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Subquery(queryset.order_by().values(n=count))


def row_total(queryset, field: str) -> Subquery:
    """SUM(`field`) of `queryset` (NULL when there are no rows)."""
    # Wider than the field itself: a total of many prices has more digits than one price.
    places = queryset.model._meta.get_field(field).decimal_places
    total = Func(
        F(field), function="SUM", output_field=DecimalField(max_digits=18, decimal_places=places)
    )
    return Subquery(queryset.order_by().values(n=total))


def row_average(queryset, field: str) -> Subquery:
    """AVG(`field`) of `queryset` (NULL when there are no rows)."""
    average = Func(F(field), function="AVG", output_field=FloatField())
    return Subquery(queryset.order_by().values(n=average))

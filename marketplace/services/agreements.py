from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import texts
from ..models import (
    Agreement,
)
from ..notifications import notify
from ..states import DomainError
from .tasks import Kind, _event


def _locked_agreement(pk: int) -> Agreement:
    """Re-read the agreement, locking its row only.

    A plain FOR UPDATE would also lock every row it joins: the task and both users. Two
    people who are customer and tasker to each other would then deadlock on PostgreSQL (a
    confirmation holding its parties' rows, a bid waiting to reference its tasker's).
    The task is locked later by its own conditional update.
    """
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("task", "customer", "tasker")
        .get(pk=pk)
    )


@transaction.atomic
def agreement_deliver(*, agreement: Agreement, by: User) -> Agreement:
    """The tasker says the work is done."""
    agreement = _locked_agreement(agreement.pk)
    old = agreement.move("deliver", by, delivered_at=timezone.now())
    _event(agreement.task, by, Kind.DELIVERED, old, new=agreement.status)
    notify(
        recipients=[agreement.customer],
        **texts.notice("agreement_delivered", name=by.name, title=agreement.title),
        url=agreement.get_absolute_url(),
    )
    return agreement


@transaction.atomic
def agreement_confirm(*, agreement: Agreement, by: User) -> Agreement:
    """The customer confirms the delivered work; agreement and task complete."""
    agreement = _locked_agreement(agreement.pk)
    agreement.move("confirm", by, completed_at=timezone.now())
    old = agreement.task.move("complete", None)
    _event(agreement.task, by, Kind.COMPLETED, old)
    notify(
        recipients=[agreement.tasker],
        **texts.notice("agreement_completed", name=by.name, title=agreement.title),
        url=agreement.get_absolute_url(),
    )
    return agreement


@transaction.atomic
def agreement_cancel(*, agreement: Agreement, by: User, reason: str) -> Agreement:
    """Either party cancels, with a reason; the task is cancelled too."""
    if not reason.strip():
        raise DomainError("Please say why you are cancelling.")
    agreement = _locked_agreement(agreement.pk)
    agreement.move(
        "cancel", by, cancelled_at=timezone.now(), cancelled_by=by, cancellation_reason=reason
    )
    old = agreement.task.move("cancel_assigned", None)
    # The task's timeline is public: the reason stays on the agreement, for its parties.
    _event(agreement.task, by, Kind.AGREEMENT_CANCELLED, old)
    notify(
        recipients=[agreement.counterpart(by)],
        **texts.notice("agreement_cancelled", name=by.name, title=agreement.title, reason=reason),
        url=agreement.get_absolute_url(),
    )
    return agreement

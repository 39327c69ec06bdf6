from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from tasker.listing import listing_changed

from .. import texts
from ..models import (
    Moderated,
    Report,
    TaskPhoto,
)
from ..notifications import notify
from ..states import DomainError
from .photos import photo_files_set_private
from .tasks import Kind, _event


@transaction.atomic
def content_hide(*, obj: Moderated, by: User, reason: str) -> None:
    """Hide a task, review or message from everyone but its author and staff."""
    _set_hidden(obj, by, hidden=True, reason=reason)


@transaction.atomic
def content_unhide(*, obj: Moderated, by: User) -> None:
    """Show hidden content again."""
    _set_hidden(obj, by, hidden=False, reason="")


def _set_hidden(obj, by: User, *, hidden: bool, reason: str) -> None:
    if hidden and not reason.strip():
        raise DomainError("Say why the content is hidden; its author will see the reason.")
    if obj.is_hidden == hidden:
        return
    if isinstance(obj, TaskPhoto):  # its file leaves (or comes back to) the public storage
        photo_files_set_private(obj, private=hidden)
    type(obj).objects.filter(pk=obj.pk).update(is_hidden=hidden, hidden_reason=reason)
    listing_changed()  # a bulk update sends no post_save
    obj.is_hidden, obj.hidden_reason = hidden, reason
    what = obj._meta.verbose_name
    if task := obj.moderated_task():
        kind = Kind.HIDDEN if hidden else Kind.UNHIDDEN
        _event(task, by, kind, note=texts.note(kind, what=what, reason=reason))
    notify(
        recipients=[obj.owner()],
        **texts.notice(
            "content_hidden" if hidden else "content_unhidden", what=what, reason=reason
        ),
        url=obj.get_absolute_url(),
    )


@transaction.atomic
def report_create(
    *, reporter: User, kind: str, object_id: int, reason: str, details: str
) -> Report:
    """File a report; one open report per reporter per object."""
    if Report.objects.filter(
        reporter=reporter, kind=kind, object_id=object_id, status=Report.Status.OPEN
    ).exists():
        raise DomainError("You have already reported this; a moderator will look at it.")
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, kind=kind, object_id=object_id, reason=reason, details=details
            )
    except IntegrityError as error:
        raise DomainError("You have already reported this; a moderator will look at it.") from error


@transaction.atomic
def report_close(*, report: Report, by: User, status: str, note: str) -> Report:
    """Resolve or dismiss an open report with a note."""
    if status not in (Report.Status.RESOLVED, Report.Status.DISMISSED):
        raise DomainError("A report is closed as resolved or dismissed.")
    updated = Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
        status=status, resolution_note=note, resolved_by=by, resolved_at=timezone.now()
    )
    if updated != 1:
        raise DomainError("This report was already closed.")
    report.refresh_from_db()
    return report

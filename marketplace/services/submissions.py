from collections.abc import Callable
from uuid import UUID

from django.db import IntegrityError, transaction

from accounts.models import User

from ..models import (
    FormSubmission,
)


class AlreadySubmitted(Exception):
    """The same rendered form was submitted before; `url` shows what it made."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@transaction.atomic
def submit_once[Made](
    *, token: UUID | None, by: User, create: Callable[[], Made], url_of: Callable[[Made], str]
) -> Made:
    """Run `create` for a form submitted with `token`, unless that form was submitted before.

    The token is claimed in the same transaction as what `create` makes, so a refusal
    frees it again. Of two submissions at once, the second waits on the unique constraint
    (PostgreSQL) or for the write lock (SQLite's IMMEDIATE transactions), then finds the
    first one's row and raises AlreadySubmitted with where its result is. Without a token
    (a client that did not render our form) `create` just runs.
    """
    if token is None:
        return create()
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(user=by, token=token)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(user=by, token=token).first()
        raise AlreadySubmitted(earlier.url if earlier else "") from None
    made = create()
    submission.url = url_of(made)[:300]
    submission.save(update_fields=["url"])
    return made

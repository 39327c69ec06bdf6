from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from tasker.listing import listing_changed

from .. import texts
from ..models import (
    Agreement,
    Review,
)
from ..notifications import notify
from ..states import DomainError
from .agreements import _locked_agreement
from .tasks import Kind, _event


@transaction.atomic
def review_create(*, agreement: Agreement, by: User, rating: int, comment: str) -> Review:
    """Review the other party of a completed agreement, once.

    The review stays hidden until the other side has reviewed too (then both are
    published together) or the blind period ends, so nobody reviews in retaliation.
    """
    agreement = _locked_agreement(agreement.pk)
    agreement.require("review", by)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                agreement=agreement,
                author=by,
                subject=agreement.counterpart(by),
                rating=rating,
                comment=comment,
            )
    except IntegrityError as error:
        raise DomainError("You have already reviewed this agreement.") from error
    _event(
        agreement.task,
        by,
        Kind.REVIEWED,
        note=texts.note(Kind.REVIEWED, name=by.name, subject=review.subject.name),
    )
    reviews = list(agreement.reviews.select_related("author", "subject"))
    if len(reviews) == 2:
        now = timezone.now()
        agreement.reviews.update(published_at=now)
        listing_changed()  # a bulk update sends no post_save
        review.published_at = now
        for published in reviews:
            notify(
                recipients=[published.subject],
                **texts.notice(
                    "review_published",
                    name=published.author.name,
                    title=agreement.title,
                    rating=published.rating,
                ),
                url=published.subject.get_absolute_url(),
            )
    return review

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from ..models import (
    Agreement,
    Review,
)
from ..models import Notification as N
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
    _event(agreement.task, by, Kind.REVIEWED, note=f"{by.name} reviewed {review.subject.name}.")
    reviews = list(agreement.reviews.select_related("author", "subject"))
    if len(reviews) == 2:
        now = timezone.now()
        agreement.reviews.update(published_at=now)
        review.published_at = now
        for published in reviews:
            notify(
                recipients=[published.subject],
                kind=N.Kind.REVIEW_PUBLISHED,
                text=f"{published.author.name} reviewed you for “{agreement.title}”: "
                f"{published.rating}★.",
                url=published.subject.get_absolute_url(),
            )
    return review

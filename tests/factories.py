import datetime
import importlib
import uuid
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.utils import timezone

from accounts.models import User
from marketplace.models import (
    Agreement,
    Bid,
    Category,
    Conversation,
    Message,
    Notification,
    Question,
    Report,
    Review,
    SavedSearch,
    Task,
    TaskPhoto,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")
    role = User.Role.BOTH
    city = "Leeds"
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class CustomerFactory(UserFactory):
    role = User.Role.CUSTOMER


class TaskerFactory(UserFactory):
    role = User.Role.TASKER


def seed_categories() -> list[Category]:
    """Seed the categories as the data migration does (idempotent); return them all.

    Transactional tests (races, live server) end by flushing every table, which takes the
    migration's categories with it; tests that need them call this.
    """
    seed = importlib.import_module("marketplace.migrations.0002_seed_categories")
    seed.add_categories(django_apps, None)
    return list(Category.objects.order_by("pk"))


def category() -> Category:
    """One of the categories the data migration seeds."""
    return Category.objects.order_by("pk").first() or seed_categories()[0]


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Assemble wardrobe number {n}")
    description = "Flat-pack wardrobe with two doors; all the parts and the manual are here."
    category = factory.LazyFunction(category)
    budget = Decimal("80.00")
    city = "Leeds"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


def _photo_file():
    from django.core.files.base import ContentFile

    from .images import image_bytes

    return ContentFile(image_bytes(size=(120, 90)), name=f"{uuid.uuid4().hex}.jpg")


class TaskPhotoFactory(factory.django.DjangoModelFactory):
    """A stored photo (already clean: made by Pillow, no metadata), without thumbnails."""

    class Meta:
        model = TaskPhoto

    task = factory.SubFactory(TaskFactory)
    image = factory.LazyFunction(_photo_file)
    width = 120
    height = 90
    description = factory.Sequence(lambda n: f"The wardrobe from side {n}")
    position = factory.Sequence(lambda n: n % 6)


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    task = factory.SubFactory(TaskFactory)
    tasker = factory.SubFactory(TaskerFactory)
    amount = Decimal("70.00")
    message = "I have assembled dozens of these and can come on Saturday."


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement made the way `bid_accept` makes one: task assigned, bid accepted."""

    class Meta:
        model = Agreement

    task = factory.SubFactory(TaskFactory, status=Task.Status.ASSIGNED)
    bid = factory.SubFactory(
        BidFactory, task=factory.SelfAttribute("..task"), status=Bid.Status.ACCEPTED
    )
    customer = factory.SelfAttribute("task.customer")
    tasker = factory.SelfAttribute("bid.tasker")
    title = factory.SelfAttribute("task.title")
    description = factory.SelfAttribute("task.description")
    price = factory.SelfAttribute("bid.amount")


class CompletedAgreementFactory(AgreementFactory):
    task = factory.SubFactory(TaskFactory, status=Task.Status.COMPLETED)
    status = Agreement.Status.COMPLETED
    delivered_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    agreement = factory.SubFactory(CompletedAgreementFactory)
    author = factory.SelfAttribute("agreement.customer")
    subject = factory.SelfAttribute("agreement.tasker")
    rating = 5
    comment = "Quick, careful and friendly."


class ConversationFactory(factory.django.DjangoModelFactory):
    """A conversation between two users; pass them in any order."""

    class Meta:
        model = Conversation

    user_a = factory.SubFactory(CustomerFactory)
    user_b = factory.SubFactory(TaskerFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        a, b = kwargs["user_a"], kwargs["user_b"]
        if a.pk > b.pk:
            kwargs["user_a"], kwargs["user_b"] = b, a
        return super()._create(model_class, *args, **kwargs)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    sender = factory.SelfAttribute("conversation.user_a")
    body = "Hello! Is the wardrobe still flat-packed?"


class SavedSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSearch

    owner = factory.SubFactory(TaskerFactory)
    name = factory.Sequence(lambda n: f"Saved search {n}")
    q = "wardrobe"
    frequency = SavedSearch.Frequency.INSTANT


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.BID_PLACED
    text = "Someone bid on your task."
    url = "/dashboard/"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    reporter = factory.SubFactory(UserFactory)
    kind = Report.Kind.TASK
    object_id = factory.LazyFunction(lambda: TaskFactory().pk)
    reason = Report.Reason.SPAM


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    task = factory.SubFactory(TaskFactory)
    asker = factory.SubFactory(TaskerFactory)
    text = "Is there parking close by?"

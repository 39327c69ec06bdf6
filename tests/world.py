"""The test world, made in one place.

The route table (tests/routes.py) and the browser scenes (tests/e2e/scene.py) meet the same
small marketplace, built through the services as the site would build it: Carol the customer,
Tom the tasker, Tina (a second tasker), Oscar (a second customer) and Sam from staff; an open
task with a photo, Tom's bid and Tina's public question, one nobody has bid on, one hidden by
a moderator, a cancelled one; agreements active, delivered, completed, and reviewed by both; a
conversation both have read; Tom's saved search; every notification read but one of Carol's;
and Oscar's and Tina's things, which nobody else may touch. Each caller adds what its pages
need (a bio, a long name, a second bid) through `build_world(...)`'s arguments or after it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from marketplace import services
from marketplace.demo.photos import boxes, drawing, wardrobe
from marketplace.models import (
    Agreement,
    Bid,
    Category,
    Conversation,
    Message,
    Notification,
    Question,
    Review,
    SavedSearch,
    Task,
    TaskPhoto,
)

from .factories import CustomerFactory, TaskerFactory, UserFactory

# A link as people paste it: long and unbroken, it must wrap on a phone rather than widen
# the page.
LONG_LINK = (
    "https://www.ikea.com/gb/en/p/pax-wardrobe-combination-white-vikedal-mirror-glass-s69185714/"
)
LONG_AGREEMENT_TITLE = "Hang three Lackwallshelvesinoakeffectwithhiddenbrackets above the stairs"


def cast(
    *, customer: dict | None = None, tasker: dict | None = None, other_tasker: dict | None = None
) -> dict[str, User]:
    """Carol, Tom, another tasker and Sam (staff, superuser), with any extra fields given."""
    return {
        "customer": CustomerFactory(
            **{"username": "carol", "display_name": "Carol Customer"} | (customer or {})
        ),
        "tasker": TaskerFactory(
            **{"username": "tom", "display_name": "Tom Tasker"} | (tasker or {})
        ),
        "other_tasker": TaskerFactory(
            **{"username": "tina", "display_name": "Tina Tasker"} | (other_tasker or {})
        ),
        "staff": UserFactory(
            username="sam", display_name="Sam Staff", is_staff=True, is_superuser=True
        ),
    }


def password_reset_kwargs(user: User, token: str | None = None) -> dict:
    """The URL arguments of `user`'s emailed set-a-new-password link (a fresh token unless
    one is given)."""
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": token or default_token_generator.make_token(user),
    }


@dataclass
class World:
    people: dict[str, User | None]  # by persona; "anonymous" is None
    task: Task  # Carol's, open, with Tom's pending bid
    bid: Bid  # Tom's bid on it
    task_without_bids: Task  # Carol's, open, nobody has bid
    hidden_task: Task  # Carol's, hidden by a moderator
    cancelled: Task  # Carol's, cancelled (she may repost it)
    agreement: Agreement  # Carol and Tom, active
    delivered: Agreement
    completed: Agreement  # completed, nobody has reviewed yet
    reviewed: Agreement  # completed, both reviewed and published
    review: Review  # Tom's published review of Carol
    conversation: Conversation  # Carol and Tom about `task`; both have read it
    message: Message  # Tom's message to Carol
    notification: Notification  # Carol's, unread
    question: Question  # Tina's public question on `task`, not answered yet
    photo: TaskPhoto  # of `task`, described
    search: SavedSearch  # Tom's, for wardrobes in Leeds, alerted at once
    others: dict = field(default_factory=dict)  # Oscar's and Tina's things

    def __getitem__(self, persona: str) -> User | None:
        return self.people[persona]

    @property
    def customer(self) -> User:
        return self.people["customer"]

    @property
    def tasker(self) -> User:
        return self.people["tasker"]

    @property
    def other_tasker(self) -> User:
        return self.people["other_tasker"]

    @property
    def staff(self) -> User:
        return self.people["staff"]


def post_task(customer: User, title: str, category: str, description: str, **fields) -> Task:
    task = Task(
        title=title,
        description=description,
        category=Category.objects.get(slug=category),
        budget=fields.pop("budget", Decimal("90")),
        city="Leeds",
        postcode="LS6 2AB",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        **fields,
    )
    return services.task_post(task=task, by=customer)


def place_bid(task: Task, tasker: User, amount: str) -> Bid:
    return services.bid_place(
        task=task,
        by=tasker,
        amount=Decimal(amount),
        message="I have done dozens of these and can come on Saturday morning with my tools.",
        estimated_hours=Decimal("3"),
    )


def _agreement(customer: User, tasker: User, title: str, category: str, *, to: str) -> Agreement:
    """An agreement taken as far as `to`: active, delivered or completed."""
    task = post_task(customer, title, category, f"{title}, on a weekday if possible; tea provided.")
    agreement = services.bid_accept(bid=place_bid(task, tasker, "80"), by=customer)
    if to in ("delivered", "completed"):
        agreement = services.agreement_deliver(agreement=agreement, by=tasker)
    if to == "completed":
        agreement = services.agreement_confirm(agreement=agreement, by=customer)
    return agreement


def build_world(**people) -> World:
    """Make the marketplace above; `people` are `cast()`'s extra fields per person."""
    cast_ = cast(**people)
    customer, tasker = cast_["customer"], cast_["tasker"]
    other_tasker, staff = cast_["other_tasker"], cast_["staff"]
    other_customer = CustomerFactory(username="oscar", display_name="Oscar Other")

    task = post_task(
        customer,
        "Assemble a PAX wardrobe",
        "furniture-assembly",
        "Two-door wardrobe, second floor, all parts here. The model: " + LONG_LINK,
    )
    (photo,) = services.photos_add(task=task, by=customer, images=[drawing(wardrobe, "world")])
    TaskPhoto.objects.filter(pk=photo.pk).update(description="The wardrobe, flat-packed")
    bid = place_bid(task, tasker, "75")
    task_without_bids = post_task(
        customer,
        "Mow a small lawn",
        "gardening",
        "A small front lawn; the mower and a bin for the clippings are in the shed.",
        budget=Decimal("30"),
    )
    hidden_task = post_task(customer, "Sell my old sofa", "other", "Three-seater, barely used.")
    services.content_hide(obj=hidden_task, by=staff, reason="Selling is not a task.")
    cancelled = post_task(customer, "Wash the car", "cleaning", "A small hatchback, outside.")
    services.task_cancel(task=cancelled, by=customer)

    agreement = _agreement(customer, tasker, LONG_AGREEMENT_TITLE, "handyman", to="active")
    delivered = _agreement(customer, tasker, "Fix a dripping tap", "handyman", to="delivered")
    completed = _agreement(customer, tasker, "Deliver a bookcase", "delivery", to="completed")
    reviewed = _agreement(customer, tasker, "Clean the windows", "cleaning", to="completed")
    services.review_create(agreement=reviewed, by=customer, rating=5, comment="Spotless.")
    review = services.review_create(agreement=reviewed, by=tasker, rating=4, comment="Clear brief.")

    conversation = services.conversation_start(task=task, by=tasker)
    message = services.message_send(
        conversation=conversation, by=tasker, body="Is there a lift? " + LONG_LINK
    )
    services.message_send(conversation=conversation, by=customer, body="Yes, to every floor.")
    question = services.question_ask(task=task, by=other_tasker, text="Is it the mirrored one?")

    others_task = post_task(other_customer, "Move a piano", "moving", "Upright, ground floor.")
    (others_photo,) = services.photos_add(
        task=others_task, by=other_customer, images=[drawing(boxes, "others")]
    )
    others_bid = place_bid(others_task, other_tasker, "150")
    others_agreement = _agreement(
        other_customer, other_tasker, "Paint a shed", "handyman", to="active"
    )
    others_conversation = services.conversation_start(task=others_task, by=other_tasker)
    others_message = services.message_send(
        conversation=others_conversation, by=other_tasker, body="Which floor is it on?"
    )
    others_question = services.question_ask(task=others_task, by=tasker, text="Is it upright?")

    search = services.saved_search_create(
        owner=tasker,
        name="Wardrobes in Leeds",
        filters={"q": "wardrobe", "city": "Leeds"},
        frequency=SavedSearch.Frequency.INSTANT,
    )
    others_search = services.saved_search_create(
        owner=other_tasker, name="Pianos", filters={"q": "piano"}, frequency="daily"
    )

    read = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(a_read_at=read, b_read_at=read)
    Notification.objects.update(is_read=True)  # everyone has caught up, but for one:
    notification = Notification.objects.create(
        recipient=customer,
        kind=Notification.Kind.BID_PLACED,
        text=f"Tom Tasker bid £75.00 on “{task.title}”.",
        url=task.get_absolute_url(),
    )

    return World(
        people=cast_ | {"other_customer": other_customer, "anonymous": None},
        task=task,
        bid=bid,
        task_without_bids=task_without_bids,
        hidden_task=hidden_task,
        cancelled=cancelled,
        agreement=agreement,
        delivered=delivered,
        completed=completed,
        reviewed=reviewed,
        review=review,
        conversation=conversation,
        message=message,
        notification=notification,
        question=question,
        photo=photo,
        search=search,
        others={
            "task": others_task,
            "bid": others_bid,
            "agreement": others_agreement,
            "conversation": others_conversation,
            "message": others_message,
            "question": others_question,
            "photo": others_photo,
            "search": others_search,
        },
    )

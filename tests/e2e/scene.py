"""A small marketplace in every state, and the pages each persona can open in it.

The page-by-page browser checks (accessibility, phones) build it through the services, as
the site would, rather than clicking through the lifecycle again.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace import services
from marketplace.emails import search_unsubscribe_token, unsubscribe_token
from marketplace.models import (
    Agreement,
    Bid,
    Category,
    Conversation,
    Notification,
    SavedSearch,
    Task,
)
from tests.world import cast, password_reset_kwargs

# Long unbroken text, as people paste it or write it, must wrap on a phone rather than
# widen the page.
LONG_USERNAME = "tina_the_tidiest_tasker_in_west_yorkshire"
LONG_SKILL = "wardrobe-and-kitchen-cabinet-assembly-including-wall-anchoring"
LONG_AGREEMENT_TITLE = "Hang three Lackwallshelvesinoakeffectwithhiddenbrackets above the stairs"
LONG_LINK = (
    "https://www.ikea.com/gb/en/p/pax-wardrobe-combination-white-vikedal-mirror-glass-s69185714/"
)


@dataclass
class Scene:
    customer: User
    tasker: User
    other_tasker: User
    staff: User
    task_with_bids: Task  # open, bids from both taskers
    bid: Bid  # the tasker's pending bid on it
    task_without_bids: Task  # open, nobody has bid
    hidden_task: Task  # hidden by a moderator
    active: Agreement  # between customer and tasker, work not delivered yet
    completed: Agreement  # completed, nobody has reviewed yet
    reviewed: Agreement  # completed, both reviewed
    conversation: Conversation  # customer and tasker, unread for the customer
    saved_search: SavedSearch  # the tasker's, for wardrobes in Leeds


def _task(customer: User, title: str, category: str, description: str, **fields) -> Task:
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


def _bid(task: Task, tasker: User, amount: str) -> None:
    services.bid_place(
        task=task,
        by=tasker,
        amount=Decimal(amount),
        message="I have done dozens of these and can come on Saturday morning with my tools.",
        estimated_hours=Decimal("3"),
    )


def _agreement(customer: User, tasker: User, title: str, category: str) -> Agreement:
    task = _task(customer, title, category, f"{title}, on a weekday if possible; tea provided.")
    _bid(task, tasker, "80")
    return services.bid_accept(bid=task.bids.get(tasker=tasker), by=customer)


def build_scene() -> Scene:
    """Make the people, tasks, bids, agreements, reviews and messages the pages show."""
    people = cast(
        customer={"bio": "I renovate old houses in Leeds."},
        tasker={
            "bio": "Handyman for twenty years. " + LONG_LINK,
            "skills": f"flat-pack, painting, shelves, {LONG_SKILL}",
            "hourly_rate": Decimal("25"),
        },
        # No display name: the long username shows, and must wrap on a phone.
        other_tasker={"username": LONG_USERNAME, "display_name": ""},
    )
    customer, tasker = people["customer"], people["tasker"]
    other_tasker, staff = people["other_tasker"], people["staff"]

    task_with_bids = _task(
        customer,
        "Assemble a PAX wardrobe",
        "furniture-assembly",
        "Two-door wardrobe, second floor, all parts here. The model: " + LONG_LINK,
    )
    _bid(task_with_bids, tasker, "75")
    _bid(task_with_bids, other_tasker, "85.50")
    task_without_bids = _task(
        customer,
        "Mow a small lawn",
        "gardening",
        "A small front lawn; the mower and a bin for the clippings are in the shed.",
        budget=Decimal("30"),
    )
    hidden_task = _task(customer, "Sell my old sofa", "other", "Three-seater, barely used, £50.")
    services.content_hide(obj=hidden_task, by=staff, reason="Selling is not a task.")

    active = _agreement(customer, tasker, LONG_AGREEMENT_TITLE, "handyman")
    completed = _agreement(customer, tasker, "Deliver a bookcase", "delivery")
    reviewed = _agreement(customer, tasker, "Clean the windows", "cleaning")
    for agreement in (completed, reviewed):
        services.agreement_deliver(agreement=agreement, by=tasker)
        services.agreement_confirm(agreement=agreement, by=customer)
    services.review_create(agreement=reviewed, by=customer, rating=5, comment="Spotless.")
    services.review_create(agreement=reviewed, by=tasker, rating=4, comment="Clear brief.")

    conversation = services.conversation_start(task=task_with_bids, by=tasker)
    services.message_send(
        conversation=conversation, by=tasker, body="Is there a lift? " + LONG_LINK
    )
    services.message_send(conversation=conversation, by=customer, body="Yes, to every floor.")
    services.message_send(conversation=conversation, by=tasker, body="Great, see you then.")
    saved_search = services.saved_search_create(
        owner=tasker,
        name="Wardrobes in Leeds, " + LONG_SKILL,
        filters={"q": "wardrobe", "city": "Leeds"},
        frequency=SavedSearch.Frequency.INSTANT,
    )

    return Scene(
        customer=customer,
        tasker=tasker,
        other_tasker=other_tasker,
        staff=staff,
        task_with_bids=task_with_bids,
        bid=task_with_bids.bids.get(tasker=tasker),
        task_without_bids=task_without_bids,
        hidden_task=hidden_task,
        active=active,
        completed=completed,
        reviewed=reviewed,
        conversation=conversation,
        saved_search=saved_search,
    )


def _password_reset_link(user: User) -> str:
    return reverse("accounts:password_reset_confirm", kwargs=password_reset_kwargs(user))


def anonymous_pages(scene: Scene) -> dict[str, str]:
    """The pages a visitor who is not signed in can open, by name."""
    return {
        "home": reverse("home"),
        "browse": reverse("marketplace:task_list"),
        "browse, no results": reverse("marketplace:task_list") + "?q=zeppelin",
        "task, as a visitor": scene.task_with_bids.get_absolute_url(),
        "profile": scene.tasker.get_absolute_url(),
        "sign-up": reverse("accounts:signup"),
        "log-in": reverse("accounts:login"),
        "password reset": reverse("accounts:password_reset"),
        "password reset sent": reverse("accounts:password_reset_done"),
        "new password": _password_reset_link(scene.customer),
        "expired password link": reverse(
            "accounts:password_reset_confirm", args=["MQ", "no-such-token"]
        ),
        "password set": reverse("accounts:password_reset_complete"),
        "unsubscribe": reverse(
            "marketplace:email_unsubscribe",
            args=[unsubscribe_token(scene.customer, Notification.Kind.BID_PLACED)],
        ),
        "invalid unsubscribe link": reverse("marketplace:email_unsubscribe", args=["garbled"]),
        "saved search unsubscribe": reverse(
            "marketplace:saved_search_unsubscribe",
            args=[search_unsubscribe_token(scene.saved_search)],
        ),
        "privacy": reverse("privacy"),
        "not found": "/no-such-page/",
    }


def _signed_in_pages(user: User) -> dict[str, str]:
    """Every page any signed-in user has (the customer's walk opens them all)."""
    return {
        "home": reverse("home"),
        "browse": reverse("marketplace:task_list"),
        **_own_pages(user),
        "profile edit": reverse("accounts:profile_edit"),
        "password change": reverse("accounts:password_change"),
        "email change": reverse("accounts:email_change"),
        "email preferences": reverse("marketplace:email_preferences"),
        "your data": reverse("accounts:data_export"),
        "account deletion, refused": reverse("accounts:delete"),
        "not found": "/tasks/999999/",
    }


def _own_pages(user: User) -> dict[str, str]:
    """The pages whose content depends on who is signed in."""
    return {
        "dashboard": reverse("marketplace:dashboard"),
        "own profile": user.get_absolute_url(),
        "inbox": reverse("marketplace:inbox"),
        "notifications": reverse("marketplace:notifications"),
    }


def customer_pages(scene: Scene) -> dict[str, str]:
    """The pages the customer opens: their tasks with and without bids, agreements, forms."""
    return {
        **_signed_in_pages(scene.customer),
        "task form": reverse("marketplace:task_create"),
        "task, as the owner with bids": scene.task_with_bids.get_absolute_url(),
        "task, as the owner without bids": scene.task_without_bids.get_absolute_url(),
        "task, hidden by a moderator": scene.hidden_task.get_absolute_url(),
        "task edit": reverse("marketplace:task_edit", args=[scene.task_without_bids.pk]),
        "task cancel": reverse("marketplace:task_cancel", args=[scene.task_with_bids.pk]),
        "bid accept": reverse("marketplace:bid_accept", args=[scene.bid.pk]),
        "agreement, active": scene.active.get_absolute_url(),
        "agreement cancel": reverse("marketplace:agreement_cancel", args=[scene.active.pk]),
        "agreement, completed": scene.completed.get_absolute_url(),
        "review form": reverse("marketplace:review_create", args=[scene.completed.pk]),
        "agreement, reviewed": scene.reviewed.get_absolute_url(),
        "conversation": scene.conversation.get_absolute_url(),
        "tasker's profile": scene.tasker.get_absolute_url(),
        "report form": reverse("marketplace:report_create", args=["user", scene.tasker.pk]),
    }


def tasker_pages(scene: Scene) -> dict[str, str]:
    """The pages the tasker opens: tasks to bid on, their bid, agreements, forms."""
    return {
        **_own_pages(scene.tasker),
        "task, as a bidder": scene.task_with_bids.get_absolute_url(),
        "task, with the bid form": scene.task_without_bids.get_absolute_url(),
        "bid form": reverse("marketplace:bid_create", args=[scene.task_without_bids.pk]),
        "bid edit": reverse("marketplace:bid_edit", args=[scene.bid.pk]),
        "bid withdraw": reverse("marketplace:bid_withdraw", args=[scene.bid.pk]),
        "agreement, active": scene.active.get_absolute_url(),
        "mark delivered": reverse("marketplace:agreement_deliver", args=[scene.active.pk]),
        "agreement cancel": reverse("marketplace:agreement_cancel", args=[scene.active.pk]),
        "review form": reverse("marketplace:review_create", args=[scene.completed.pk]),
        "agreement, reviewed": scene.reviewed.get_absolute_url(),
        "conversation": scene.conversation.get_absolute_url(),
        "report form": reverse("marketplace:report_create", args=["task", scene.task_with_bids.pk]),
        "browse, with a search to save": reverse("marketplace:task_list") + "?q=lawn&city=Leeds",
        "save a search": reverse("marketplace:saved_search_create") + "?q=lawn&remote=on",
        "saved searches": reverse("marketplace:saved_search_list"),
        "saved search edit": reverse("marketplace:saved_search_edit", args=[scene.saved_search.pk]),
        "saved search delete": reverse(
            "marketplace:saved_search_delete", args=[scene.saved_search.pk]
        ),
    }


def staff_pages(scene: Scene) -> dict[str, str]:
    """The site's own pages as staff see them (the Django admin is not ours to restyle)."""
    return {
        "home": reverse("home"),
        **_own_pages(scene.staff),  # no messages or notifications: the empty states
        "task, hidden by a moderator": scene.hidden_task.get_absolute_url(),
        "task with bids": scene.task_with_bids.get_absolute_url(),
        "customer's profile": scene.customer.get_absolute_url(),
        "profile with a long name": scene.other_tasker.get_absolute_url(),
    }


PERSONAS = {
    "visitor": (None, anonymous_pages),
    "customer": ("customer", customer_pages),
    "tasker": ("tasker", tasker_pages),
    "staff": ("staff", staff_pages),
}

"""A small marketplace in every state, and the pages each persona can open in it.

The page-by-page browser checks (accessibility, phones) build it through the services, as
the site would, rather than clicking through the lifecycle again.
"""

from decimal import Decimal

from django.urls import reverse

from accounts.models import User
from accounts.photos import user_photo_set
from marketplace import services
from marketplace.demo.photos import boxes, drawing, face, fence
from marketplace.emails import search_unsubscribe_token, unsubscribe_token
from marketplace.models import Notification, SavedSearch, TaskPhoto
from tests.world import LONG_LINK, World, build_world, password_reset_kwargs, place_bid

# Long unbroken text, as people write it, must wrap on a phone rather than widen the page.
LONG_USERNAME = "tina_the_tidiest_tasker_in_west_yorkshire"
LONG_SKILL = "wardrobe-and-kitchen-cabinet-assembly-including-wall-anchoring"


def build_scene() -> World:
    """The test world (tests/world.py) with what the pages should show at their fullest: bios
    and skills, a long unbroken username, three photos and bids from both taskers on the open
    task, the tasker's picture, a message the customer has not read yet, and an answered
    question."""
    scene = build_world(
        customer={"bio": "I renovate old houses in Leeds."},
        tasker={
            "bio": "Handyman for twenty years. " + LONG_LINK,
            "skills": f"flat-pack, painting, shelves, {LONG_SKILL}",
            "hourly_rate": Decimal("25"),
        },
        # No display name: the long username shows, and must wrap on a phone.
        other_tasker={"username": LONG_USERNAME, "display_name": ""},
    )
    # Three photos: two described, one not yet (its alt text says "Photo 3 of …").
    boxes_photo, _ = services.photos_add(
        task=scene.task,
        by=scene.customer,
        images=[drawing(paint, f"scene{n}") for n, paint in enumerate((boxes, fence))],
    )
    TaskPhoto.objects.filter(pk=boxes_photo.pk).update(description="The boxes")
    user_photo_set(user=scene.tasker, image=face("#588157"))
    place_bid(scene.task, scene.other_tasker, "85.50")
    SavedSearch.objects.filter(pk=scene.search.pk).update(name="Wardrobes, " + LONG_SKILL)
    services.message_send(conversation=scene.conversation, by=scene.tasker, body="See you then.")
    answered = services.question_ask(
        task=scene.task, by=scene.tasker, text="Are the wall fixings in the box? " + LONG_LINK
    )
    services.question_answer(question=answered, by=scene.customer, answer="Yes, all of them.")
    return scene


def _password_reset_link(user: User) -> str:
    return reverse("accounts:password_reset_confirm", kwargs=password_reset_kwargs(user))


def anonymous_pages(scene: World) -> dict[str, str]:
    """The pages a visitor who is not signed in can open, by name."""
    return {
        "home": reverse("home"),
        "browse": reverse("marketplace:task_list"),
        "browse, no results": reverse("marketplace:task_list") + "?q=zeppelin",
        "task, as a visitor": scene.task.get_absolute_url(),
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
            args=[search_unsubscribe_token(scene.search)],
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


def customer_pages(scene: World) -> dict[str, str]:
    """The pages the customer opens: their tasks with and without bids, agreements, forms."""
    return {
        **_signed_in_pages(scene.customer),
        "task form": reverse("marketplace:task_create"),
        "task, as the owner with bids": scene.task.get_absolute_url(),
        "task, as the owner without bids": scene.task_without_bids.get_absolute_url(),
        "task, hidden by a moderator": scene.hidden_task.get_absolute_url(),
        "task edit": reverse("marketplace:task_edit", args=[scene.task_without_bids.pk]),
        "task photos": reverse("marketplace:task_photos", args=[scene.task.pk]),
        "photo removal": reverse("marketplace:photo_delete", args=[scene.photo.pk]),
        "task cancel": reverse("marketplace:task_cancel", args=[scene.task.pk]),
        "bid accept": reverse("marketplace:bid_accept", args=[scene.bid.pk]),
        "agreement, active": scene.agreement.get_absolute_url(),
        "agreement cancel": reverse("marketplace:agreement_cancel", args=[scene.agreement.pk]),
        "agreement, completed": scene.completed.get_absolute_url(),
        "review form": reverse("marketplace:review_create", args=[scene.completed.pk]),
        "agreement, reviewed": scene.reviewed.get_absolute_url(),
        "conversation": scene.conversation.get_absolute_url(),
        "tasker's profile": scene.tasker.get_absolute_url(),
        "report form": reverse("marketplace:report_create", args=["user", scene.tasker.pk]),
        "answer form": reverse("marketplace:question_answer", args=[scene.question.pk]),
    }


def tasker_pages(scene: World) -> dict[str, str]:
    """The pages the tasker opens: tasks to bid on, their bid, agreements, forms."""
    return {
        **_own_pages(scene.tasker),
        "task, as a bidder": scene.task.get_absolute_url(),
        "task, with the bid form": scene.task_without_bids.get_absolute_url(),
        "bid form": reverse("marketplace:bid_create", args=[scene.task_without_bids.pk]),
        "bid edit": reverse("marketplace:bid_edit", args=[scene.bid.pk]),
        "bid withdraw": reverse("marketplace:bid_withdraw", args=[scene.bid.pk]),
        "agreement, active": scene.agreement.get_absolute_url(),
        "mark delivered": reverse("marketplace:agreement_deliver", args=[scene.agreement.pk]),
        "agreement cancel": reverse("marketplace:agreement_cancel", args=[scene.agreement.pk]),
        "review form": reverse("marketplace:review_create", args=[scene.completed.pk]),
        "agreement, reviewed": scene.reviewed.get_absolute_url(),
        "conversation": scene.conversation.get_absolute_url(),
        "report form": reverse("marketplace:report_create", args=["task", scene.task.pk]),
        "question form": reverse("marketplace:question_create", args=[scene.task_without_bids.pk]),
        "photo report form": reverse("marketplace:report_create", args=["photo", scene.photo.pk]),
        "browse, with a search to save": reverse("marketplace:task_list") + "?q=lawn&city=Leeds",
        "save a search": reverse("marketplace:saved_search_create") + "?q=lawn&remote=on",
        "saved searches": reverse("marketplace:saved_search_list"),
        "saved search edit": reverse("marketplace:saved_search_edit", args=[scene.search.pk]),
        "saved search delete": reverse("marketplace:saved_search_delete", args=[scene.search.pk]),
    }


def staff_pages(scene: World) -> dict[str, str]:
    """The site's own pages as staff see them (the Django admin is not ours to restyle)."""
    return {
        "home": reverse("home"),
        **_own_pages(scene.staff),  # no messages or notifications: the empty states
        "task, hidden by a moderator": scene.hidden_task.get_absolute_url(),
        "task with bids": scene.task.get_absolute_url(),
        "customer's profile": scene.customer.get_absolute_url(),
        "profile with a long name": scene.other_tasker.get_absolute_url(),
    }


PERSONAS = {
    "visitor": (None, anonymous_pages),
    "customer": ("customer", customer_pages),
    "tasker": ("tasker", tasker_pages),
    "staff": ("staff", staff_pages),
}

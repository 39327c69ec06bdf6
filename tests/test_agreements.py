"""Agreements through their pages: who sees them, deliver, confirm and cancel."""

import pytest
from django.urls import reverse

from marketplace.models import Agreement, Notification, Task, TaskEvent

from .helpers import make_agreement, messages_of, snapshot

REASON = "The wardrobe arrived damaged, so there is nothing to build."


def url(name, agreement) -> str:
    return reverse(f"marketplace:{name}", args=[agreement.pk])


@pytest.fixture
def agreement(customer, tasker):
    return make_agreement(customer=customer, tasker=tasker)


@pytest.fixture
def delivered(customer, tasker):
    return make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.DELIVERED)


# --- Detail ---


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("customer_client", 200),
        ("tasker_client", 200),
        ("staff_client", 200),
        ("other_customer_client", 404),
        ("other_tasker_client", 404),
    ],
)
def test_only_the_parties_and_staff_see_an_agreement(request, persona, status, agreement):
    response = request.getfixturevalue(persona).get(agreement.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert f"Agreement: {agreement.title}" in response.content.decode()


def test_anonymous_is_sent_to_log_in_to_see_an_agreement(client, agreement):
    response = client.get(agreement.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_party_sees_only_their_own_buttons(
    customer_client, tasker_client, staff_client, agreement
):
    tasker_page = tasker_client.get(agreement.get_absolute_url()).content.decode()
    assert url("agreement_deliver", agreement) in tasker_page
    assert url("agreement_cancel", agreement) in tasker_page
    assert url("agreement_confirm", agreement) not in tasker_page

    customer_page = customer_client.get(agreement.get_absolute_url()).content.decode()
    assert url("agreement_deliver", agreement) not in customer_page
    assert url("agreement_confirm", agreement) not in customer_page  # not delivered yet
    assert url("agreement_cancel", agreement) in customer_page

    staff_page = staff_client.get(agreement.get_absolute_url()).content.decode()
    for name in ("agreement_deliver", "agreement_confirm", "agreement_cancel"):
        assert url(name, agreement) not in staff_page


# --- Deliver and confirm ---


def test_the_tasker_marks_it_delivered_and_the_customer_is_asked(
    tasker_client, agreement, customer
):
    response = tasker_client.post(url("agreement_deliver", agreement))
    assert response["Location"] == agreement.get_absolute_url()
    assert messages_of(response) == ["Marked as delivered. The customer has been asked to confirm."]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DELIVERED and agreement.delivered_at
    assert Notification.objects.get().recipient == customer


def test_the_customer_confirms_delivered_work(customer_client, delivered, tasker):
    response = customer_client.post(url("agreement_confirm", delivered))
    assert messages_of(response) == ["Completion confirmed. Please review the tasker."]
    delivered.refresh_from_db()
    delivered.task.refresh_from_db()
    assert delivered.status == Agreement.Status.COMPLETED and delivered.completed_at
    assert delivered.task.status == Task.Status.COMPLETED
    assert Notification.objects.get().recipient == tasker
    event = delivered.task.events.get(kind=TaskEvent.Kind.COMPLETED)
    assert (event.from_status, event.to_status) == ("assigned", "completed")


def test_confirming_before_delivery_is_refused(customer_client, agreement):
    before = snapshot()
    response = customer_client.post(url("agreement_confirm", agreement), follow=True)
    assert "You cannot confirm completion: it is in progress." in response.content.decode()
    assert snapshot() == before


def test_the_tasker_cannot_confirm_their_own_work(tasker_client, delivered):
    before = snapshot()
    response = tasker_client.post(url("agreement_confirm", delivered))
    assert messages_of(response) == ["You cannot confirm completion here."]
    assert snapshot() == before


def test_the_customer_cannot_mark_it_delivered(customer_client, agreement):
    before = snapshot()
    response = customer_client.post(url("agreement_deliver", agreement))
    assert messages_of(response) == ["You cannot mark as delivered here."]
    assert snapshot() == before


@pytest.mark.parametrize("name", ["agreement_deliver", "agreement_confirm"])
def test_actions_ask_on_get_and_change_nothing(
    tasker_client, customer_client, delivered, agreement, name
):
    before = snapshot()
    for client in (tasker_client, customer_client):
        assert client.get(url(name, agreement)).status_code in (200, 302)
        assert client.get(url(name, delivered)).status_code in (200, 302)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["agreement_deliver", "agreement_confirm", "agreement_cancel"])
@pytest.mark.parametrize("persona", ["other_customer_client", "other_tasker_client"])
def test_strangers_get_404_on_every_action(request, persona, name, agreement, delivered):
    client = request.getfixturevalue(persona)
    before = snapshot()
    for target in (agreement, delivered):
        assert client.post(url(name, target), {"reason": REASON}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", ["agreement_deliver", "agreement_confirm"])
def test_staff_may_look_but_not_act(staff_client, agreement, delivered, name):
    before = snapshot()
    for target in (agreement, delivered):
        response = staff_client.post(url(name, target))
        assert response.status_code == 302
        assert messages_of(response)[-1].endswith("here.")
    response = staff_client.post(url("agreement_cancel", agreement), {"reason": REASON})
    assert "You cannot cancel the agreement here." in response.content.decode()
    assert snapshot() == before


# --- Cancel ---


@pytest.mark.parametrize("persona", ["customer", "tasker"])
@pytest.mark.parametrize("fixture", ["agreement", "delivered"])
def test_either_party_cancels_with_a_reason(request, persona, fixture, customer, tasker):
    target = request.getfixturevalue(fixture)
    client = request.getfixturevalue(f"{persona}_client")
    assert client.get(url("agreement_cancel", target)).status_code == 200
    response = client.post(url("agreement_cancel", target), {"reason": REASON})
    assert response["Location"] == target.get_absolute_url()
    assert messages_of(response) == ["The agreement was cancelled. The other party has been told."]
    target.refresh_from_db()
    target.task.refresh_from_db()
    assert target.status == Agreement.Status.CANCELLED
    assert target.cancellation_reason == REASON
    assert target.cancelled_by.username == ("carol" if persona == "customer" else "tom")
    assert target.task.status == Task.Status.CANCELLED
    other = tasker if persona == "customer" else customer
    notification = Notification.objects.get()
    assert notification.recipient == other and REASON in notification.text
    page = client.get(target.get_absolute_url()).content.decode()
    assert REASON in page


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "This field is required."),
        ("     ", "This field is required."),
        ("Because", "Please explain in at least 10 characters."),
        ("x" * 1001, "Ensure this value has at most 1000 characters"),
    ],
)
def test_cancelling_needs_a_real_reason(customer_client, agreement, reason, message):
    before = snapshot()
    response = customer_client.post(url("agreement_cancel", agreement), {"reason": reason})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("status", [Agreement.Status.COMPLETED, Agreement.Status.CANCELLED])
def test_an_ended_agreement_cannot_be_cancelled(customer_client, customer, tasker, status):
    ended = make_agreement(customer=customer, tasker=tasker, status=status)
    before = snapshot()
    response = customer_client.post(url("agreement_cancel", ended), {"reason": REASON})
    assert response.status_code == 200
    label = ended.get_status_display().lower()
    assert f"You cannot cancel the agreement: it is {label}." in response.content.decode()
    assert snapshot() == before


def test_the_reason_for_cancelling_is_for_the_parties_only(
    request, tasker_client, agreement, customer_client
):
    tasker_client.post(url("agreement_cancel", agreement), {"reason": REASON})
    task_url = agreement.task.get_absolute_url()
    for persona in ("client", "other_tasker_client", "other_customer_client"):
        page = request.getfixturevalue(persona).get(task_url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Agreement cancelled" in html and REASON not in html, persona
    for client in (customer_client, tasker_client):
        assert REASON in client.get(agreement.get_absolute_url()).content.decode()


def test_the_cancel_page_of_a_completed_agreement_says_why_not(customer, tasker, customer_client):
    completed = make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.COMPLETED)
    response = customer_client.get(url("agreement_cancel", completed))
    assert response["Location"] == completed.get_absolute_url()
    assert messages_of(response) == ["You cannot cancel the agreement: it is completed."]


def test_the_cancel_page_says_it_cannot_be_undone_and_who_is_told(agreement, customer_client):
    page = " ".join(
        customer_client.get(url("agreement_cancel", agreement)).content.decode().split()
    )
    assert "cannot be undone" in page
    assert f"{agreement.tasker.name} is told, with your reason." in page

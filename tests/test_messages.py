"""Conversations and messages: who may start one, who may read it, what it shows."""

import re
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace import services
from marketplace.context_processors import UnreadCounts
from marketplace.models import Conversation, Message, Notification, Task
from marketplace.notifications import notify
from marketplace.selectors import conversations_for, unread_counts
from marketplace.states import DomainError

from .conftest import client_for
from .factories import (
    AgreementFactory,
    CompletedAgreementFactory,
    ConversationFactory,
    MessageFactory,
    TaskFactory,
    UserFactory,
)
from .helpers import messages_of


@pytest.fixture
def task(customer):
    return TaskFactory(customer=customer, title="Assemble a wardrobe")


@pytest.fixture
def conversation(task, customer, tasker):
    return services.conversation_start(task=task, by=tasker)


def start_url(task) -> str:
    return reverse("marketplace:conversation_start", args=[task.pk])


def send(client, conversation, body):
    return client.post(conversation.get_absolute_url(), {"body": body})


# --- Who may start a conversation ---


def test_a_tasker_can_ask_the_customer_of_an_open_task(tasker_client, task, customer, tasker):
    response = tasker_client.post(start_url(task))
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert {conversation.user_a, conversation.user_b} == {customer, tasker}
    assert conversation.user_a_id < conversation.user_b_id
    assert conversation.task == task


def test_any_signed_in_user_can_ask_about_an_open_task(other_customer_client, task):
    assert other_customer_client.post(start_url(task)).status_code == 302
    assert Conversation.objects.count() == 1


def test_asking_again_reuses_the_conversation(tasker_client, task):
    first = tasker_client.post(start_url(task))
    second = tasker_client.post(start_url(task))
    assert first["Location"] == second["Location"]
    assert Conversation.objects.count() == 1


def test_a_different_task_gets_its_own_conversation(tasker_client, task, customer):
    tasker_client.post(start_url(task))
    tasker_client.post(start_url(TaskFactory(customer=customer)))
    assert Conversation.objects.count() == 2


def test_the_customer_cannot_message_themselves(customer_client, task):
    response = customer_client.post(start_url(task), follow=True)
    assert Conversation.objects.count() == 0
    assert "your own task" in response.content.decode()


@pytest.mark.parametrize("status", [Task.Status.CANCELLED, Task.Status.EXPIRED])
def test_nobody_can_start_about_a_closed_task(tasker_client, customer, status):
    task = TaskFactory(customer=customer, status=status)
    response = tasker_client.post(start_url(task), follow=True)
    assert Conversation.objects.count() == 0
    assert "while it is open" in response.content.decode()


def test_a_stranger_cannot_start_about_an_assigned_task(other_tasker_client):
    agreement = AgreementFactory()
    other_tasker_client.post(start_url(agreement.task))
    assert Conversation.objects.count() == 0


def test_the_parties_of_an_agreement_can_always_write_to_each_other(db):
    agreement = CompletedAgreementFactory()
    by_customer = client_for(agreement.customer).post(start_url(agreement.task))
    by_tasker = client_for(agreement.tasker).post(start_url(agreement.task))
    conversation = Conversation.objects.get()
    assert by_customer["Location"] == by_tasker["Location"] == conversation.get_absolute_url()
    assert {conversation.user_a, conversation.user_b} == {agreement.customer, agreement.tasker}


def test_a_hidden_task_is_404_for_a_stranger(tasker_client, customer):
    task = TaskFactory(customer=customer, is_hidden=True)
    assert tasker_client.post(start_url(task)).status_code == 404


def test_starting_asks_on_get_and_opens_nothing(tasker_client, task):
    response = tasker_client.get(start_url(task))
    assert response.status_code == 200
    assert "Start the conversation" in response.content.decode()
    assert not Conversation.objects.exists()


def test_starting_signed_out_goes_to_login(client, task):
    response = client.post(start_url(task))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Conversation.objects.count() == 0


def test_a_suspended_user_cannot_start_a_conversation(task):
    suspended = UserFactory(is_active=False)
    with pytest.raises(DomainError, match="suspended"):
        services.conversation_start(task=task, by=suspended)


# --- Sending ---


def test_a_participant_sends_a_message(tasker_client, conversation, tasker, customer):
    response = send(tasker_client, conversation, "  Is it the two-door model?\nThanks  ")
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == message.get_absolute_url()
    assert messages_of(response) == ["Message sent."]
    assert message.body == "Is it the two-door model?\nThanks"
    assert message.sender == tasker
    conversation.refresh_from_db()
    assert conversation.last_message_at == message.created_at


def test_the_other_participant_can_reply(customer_client, conversation):
    assert send(customer_client, conversation, "Yes, two doors.").status_code == 302
    assert Message.objects.count() == 1


def test_an_empty_message_is_a_form_error(tasker_client, conversation):
    response = send(tasker_client, conversation, "   \n ")
    assert response.status_code == 200
    assert "Write a message before sending it." in response.content.decode()
    assert Message.objects.count() == 0


def test_an_over_long_message_is_a_form_error(tasker_client, conversation):
    response = send(tasker_client, conversation, "x" * 5001)
    assert response.status_code == 200
    assert "Keep your message to 5000 characters" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_message_of_exactly_the_limit_is_sent(tasker_client, conversation):
    assert send(tasker_client, conversation, "x" * 5000).status_code == 302
    assert Message.objects.count() == 1


def test_the_service_refuses_empty_and_over_long_bodies(conversation, tasker):
    for body in ["", "  ", "x" * 5001]:
        with pytest.raises(DomainError):
            services.message_send(conversation=conversation, by=tasker, body=body)
    assert Message.objects.count() == 0


def test_a_suspended_user_cannot_send(conversation, tasker):
    tasker.is_active = False
    tasker.save()
    with pytest.raises(DomainError, match="suspended"):
        services.message_send(conversation=conversation, by=tasker, body="Hello there")
    assert Message.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_suspended_user_is_signed_out_and_sends_nothing(conversation, tasker):
    client = client_for(tasker)
    tasker.is_active = False
    tasker.save()
    response = send(client, conversation, "Hello there")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Message.objects.count() == 0


def test_a_non_participant_cannot_send_through_the_service(conversation, other_tasker):
    with pytest.raises(DomainError):
        services.message_send(conversation=conversation, by=other_tasker, body="Hi")


# --- Reading ---


def test_participants_see_the_conversation(customer_client, tasker_client, conversation):
    MessageFactory(conversation=conversation, sender=conversation.user_a, body="Hello!")
    for client in (customer_client, tasker_client):
        response = client.get(conversation.get_absolute_url())
        assert response.status_code == 200
        assert "Hello!" in response.content.decode()


def test_a_stranger_gets_404(other_tasker_client, staff_client, conversation):
    assert other_tasker_client.get(conversation.get_absolute_url()).status_code == 404
    assert send(other_tasker_client, conversation, "Hi").status_code == 404
    # Staff read conversations in the admin, not through the site.
    assert staff_client.get(conversation.get_absolute_url()).status_code == 404
    assert Message.objects.count() == 0


def test_signed_out_visitors_go_to_login(client, conversation):
    for url in (reverse("marketplace:inbox"), conversation.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_bodies_are_escaped_and_keep_line_breaks(customer_client, conversation, tasker):
    body = '<script>alert("x")</script>\nclick javascript:alert(1) or <a href="javascript:x">me</a>'
    MessageFactory(conversation=conversation, sender=tasker, body=body)
    html = customer_client.get(conversation.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>" in html
    assert 'href="javascript:' not in html
    assert "&lt;a href=&quot;javascript:x&quot;&gt;" in html


def test_the_inbox_preview_is_escaped(customer_client, conversation, tasker):
    MessageFactory(conversation=conversation, sender=tasker, body="<b>bold</b> <script>x</script>")
    html = customer_client.get(reverse("marketplace:inbox")).content.decode()
    assert "<script>x" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_the_conversation_opens_on_its_latest_page(customer_client, conversation, tasker):
    for n in range(120):
        MessageFactory(conversation=conversation, sender=tasker, body=f"Message number {n:03}")
    latest = customer_client.get(conversation.get_absolute_url())
    assert latest.context["page_obj"].number == 3
    html = latest.content.decode()
    assert "Message number 119" in html
    assert "Message number 099" not in html
    assert html.index("Message number 100") < html.index("Message number 119")
    first = customer_client.get(conversation.get_absolute_url() + "?page=1").content.decode()
    assert "Message number 000" in first
    assert "Message number 050" not in first


def test_hidden_messages_show_only_to_their_sender(customer_client, tasker_client, conversation):
    MessageFactory(
        conversation=conversation,
        sender=conversation.other(conversation.task.customer),
        body="Buy cheap watches",
        is_hidden=True,
        hidden_reason="Spam",
    )
    assert (
        "Buy cheap watches"
        not in customer_client.get(conversation.get_absolute_url()).content.decode()
    )
    assert (
        "Buy cheap watches" in tasker_client.get(conversation.get_absolute_url()).content.decode()
    )


# --- Unread counts ---


def test_unread_counts_per_participant_before_and_after_reading(
    customer, tasker, conversation, customer_client, tasker_client
):
    services.message_send(conversation=conversation, by=tasker, body="First question")
    services.message_send(conversation=conversation, by=tasker, body="Second question")
    assert unread_counts(customer)["messages"] == 2
    assert unread_counts(tasker)["messages"] == 0
    assert conversations_for(customer).get().unread_count == 2
    assert conversations_for(tasker).get().unread_count == 0

    customer_client.get(conversation.get_absolute_url())
    assert unread_counts(customer)["messages"] == 0
    assert conversations_for(customer).get().unread_count == 0

    services.message_send(conversation=conversation, by=customer, body="An answer")
    assert unread_counts(tasker)["messages"] == 1
    assert unread_counts(customer)["messages"] == 0


def test_opening_as_one_participant_leaves_the_other_unread(customer, tasker, conversation):
    services.message_send(conversation=conversation, by=customer, body="Hello")
    services.message_send(conversation=conversation, by=tasker, body="Hi back")
    client_for(tasker).get(conversation.get_absolute_url())
    assert unread_counts(tasker)["messages"] == 0
    assert unread_counts(customer)["messages"] == 1


def test_hidden_messages_do_not_count_as_unread(customer, tasker, conversation):
    MessageFactory(conversation=conversation, sender=tasker, is_hidden=True)
    assert unread_counts(customer)["messages"] == 0
    assert conversations_for(customer).count() == 0


# --- Inbox ---


def test_the_inbox_lists_conversations_newest_first(
    customer, customer_client, tasker, other_tasker
):
    older = services.conversation_start(
        task=TaskFactory(customer=customer, title="Old job"), by=tasker
    )
    newer = services.conversation_start(
        task=TaskFactory(customer=customer, title="New job"), by=other_tasker
    )
    services.message_send(conversation=older, by=tasker, body="About the old job")
    services.message_send(conversation=newer, by=other_tasker, body="About the new job")
    response = customer_client.get(reverse("marketplace:inbox"))
    html = response.content.decode()
    assert list(response.context["conversations"]) == [newer, older]
    assert html.index("New job") < html.index("Old job")
    assert "Tina Tasker" in html and "About the new job" in html
    assert '1<span class="visually-hidden"> unread</span>' in html


def test_the_inbox_hides_conversations_without_messages(customer_client, conversation):
    response = customer_client.get(reverse("marketplace:inbox"))
    assert list(response.context["conversations"]) == []


def test_the_inbox_shows_only_my_conversations(other_tasker_client, conversation, tasker):
    services.message_send(conversation=conversation, by=tasker, body="Private")
    response = other_tasker_client.get(reverse("marketplace:inbox"))
    assert list(response.context["conversations"]) == []
    assert "Private" not in response.content.decode()


def test_the_inbox_paginates_by_20(customer):
    for _ in range(21):
        MessageFactory(conversation=ConversationFactory(user_a=customer, user_b=UserFactory()))
    client = client_for(customer)
    assert len(client.get(reverse("marketplace:inbox")).context["conversations"]) == 20
    assert len(client.get(reverse("marketplace:inbox") + "?page=2").context["conversations"]) == 1


def test_the_inbox_counts_its_pages_as_it_lists_them(customer):
    for _ in range(20):
        MessageFactory(conversation=ConversationFactory(user_a=customer, user_b=UserFactory()))
    # Only a message a moderator hid: the conversation is neither listed nor counted.
    hidden_only = ConversationFactory(user_a=customer, user_b=UserFactory())
    MessageFactory(conversation=hidden_only, sender=hidden_only.user_b, is_hidden=True)
    ConversationFactory(user_a=customer, user_b=UserFactory())  # no message at all
    page = client_for(customer).get(reverse("marketplace:inbox")).context["page_obj"]
    assert (page.paginator.count, page.paginator.num_pages, len(page)) == (20, 1, 20)
    assert "Page 1 of" not in client_for(customer).get(reverse("marketplace:inbox")).text


def _inbox_queries(user, conversations: int) -> int:
    for n in range(conversations):
        other = UserFactory()
        conversation = ConversationFactory(
            user_a=user, user_b=other, task=TaskFactory(customer=user)
        )
        MessageFactory(conversation=conversation, sender=other, body=f"Hello {n}")
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("marketplace:inbox"))
    assert len(response.context["conversations"]) == conversations
    return len(queries)


def test_the_inbox_query_count_does_not_grow_with_conversations(db):
    one = _inbox_queries(UserFactory(), 1)
    twenty = _inbox_queries(UserFactory(), 20)
    assert one == twenty
    # Session, user, the paginator's count with the navbar's badges, the page itself.
    assert twenty == 4


# --- Navbar ---


def navbar_link_text(html: str, href: str) -> list[str]:
    """The words of the navbar's link to `href`, as a screen reader reads them."""
    link = html.split(f'href="{href}">', 1)[1].split("</a>", 1)[0]
    return re.sub(r"<[^>]+>", " ", link).split()


def test_the_navbar_shows_unread_counts(customer, customer_client, conversation, tasker):
    services.message_send(conversation=conversation, by=tasker, body="One")
    MessageFactory(conversation=conversation, sender=tasker, body="Two")
    html = customer_client.get(reverse("marketplace:dashboard")).content.decode()
    assert navbar_link_text(html, "/messages/") == ["Messages", "2", "unread"]
    assert navbar_link_text(html, "/notifications/") == ["Notifications", "1", "unread"]


def test_the_navbar_shows_no_badge_when_all_is_read(tasker_client, conversation, tasker):
    services.message_send(conversation=conversation, by=tasker, body="One")
    html = tasker_client.get(reverse("marketplace:dashboard")).content.decode()
    assert navbar_link_text(html, "/messages/") == ["Messages"]
    assert navbar_link_text(html, "/notifications/") == ["Notifications"]


def test_the_navbar_costs_one_query_signed_in_and_none_anonymous(client, customer_client):
    def badge_queries(c) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(reverse("marketplace:task_list")).status_code == 200
        return [
            q["sql"]
            for q in queries.captured_queries
            if "marketplace_message" in q["sql"] or "marketplace_notification" in q["sql"]
        ]

    assert badge_queries(client) == []
    assert len(badge_queries(customer_client)) == 1


def test_unread_counts_are_computed_only_when_read(rf, customer, django_assert_num_queries):
    request = rf.get("/")
    request.user = customer
    with django_assert_num_queries(0):
        counts = UnreadCounts(request)
    with django_assert_num_queries(1):
        assert (counts.messages, counts.notifications) == (0, 0)
        assert (counts.messages, counts.notifications) == (0, 0)


# --- Buttons on the task and agreement pages ---


def test_the_task_page_offers_a_question_button_to_others_only(
    task, tasker_client, customer_client
):
    button = f'action="{start_url(task)}"'
    assert button in tasker_client.get(task.get_absolute_url()).content.decode()
    assert button not in customer_client.get(task.get_absolute_url()).content.decode()


def test_the_agreement_page_offers_to_message_the_other_party(db):
    agreement = AgreementFactory()
    html = client_for(agreement.customer).get(agreement.get_absolute_url()).content.decode()
    assert f'action="{start_url(agreement.task)}"' in html
    assert f"Message {agreement.tasker.name}" in html
    html = client_for(agreement.tasker).get(agreement.get_absolute_url()).content.decode()
    assert f"Message {agreement.customer.name}" in html


# --- Admin ---


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:marketplace_conversation_changelist",
        "admin:marketplace_message_changelist",
        "admin:marketplace_notification_changelist",
    ],
)
def test_admin_changelists_do_not_query_per_row(staff_client, changelist):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse(changelist)).status_code == 200
        return len(captured)

    def add_row():
        conversation = ConversationFactory(task=TaskFactory())
        MessageFactory(conversation=conversation)
        notify(recipients=[conversation.user_a], kind=Notification.Kind.MESSAGE, text="Hi", url="/")

    add_row()
    one = queries()
    for _ in range(5):
        add_row()
    assert queries() == one


def test_admin_conversation_page_shows_its_messages_inline(staff_client, conversation, tasker):
    MessageFactory(conversation=conversation, sender=tasker, body="Visible to moderators")
    url = reverse("admin:marketplace_conversation_change", args=[conversation.pk])
    assert "Visible to moderators" in staff_client.get(url).content.decode()


def test_admin_searches_notifications_by_recipient_and_text(staff_client, customer, tasker):
    notify(recipients=[customer], kind=Notification.Kind.MESSAGE, text="Alpha", url="/")
    notify(recipients=[tasker], kind=Notification.Kind.MESSAGE, text="Beta", url="/")
    url = reverse("admin:marketplace_notification_changelist")
    by_user = staff_client.get(url, {"q": "carol"}).context["cl"].result_list
    by_text = staff_client.get(url, {"q": "Beta"}).context["cl"].result_list
    assert [n.recipient for n in by_user] == [customer]
    assert [n.recipient for n in by_text] == [tasker]


def test_rereading_an_unchanged_conversation_writes_nothing(
    customer, customer_client, conversation, tasker
):
    def read_marker():
        conversation.refresh_from_db()
        if conversation.user_a_id == customer.pk:
            return conversation.a_read_at
        return conversation.b_read_at

    services.message_send(conversation=conversation, by=tasker, body="Hello")
    customer_client.get(conversation.get_absolute_url())
    first_read = read_marker()
    assert first_read is not None
    with CaptureQueriesContext(connection) as queries:
        customer_client.get(conversation.get_absolute_url())
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert read_marker() == first_read


def test_the_database_refuses_a_second_conversation_for_one_pair_and_task(customer, tasker):
    """What keeps simultaneous starts to one conversation on every database (the race
    below can only interleave on PostgreSQL: SQLite runs one writer at a time)."""
    task = TaskFactory(customer=customer)
    first = services.conversation_start(task=task, by=tasker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(user_a=first.user_a, user_b=first.user_b, task=task)


def test_simultaneous_starts_share_one_conversation(transactional_db):
    task = TaskFactory()
    asker = UserFactory()
    results, errors = [], []

    def start():
        try:
            results.append(services.conversation_start(task=task, by=asker).pk)
        except Exception as error:  # any error fails the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Conversation.objects.count() == 1

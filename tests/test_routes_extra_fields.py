"""Fields a form does not ask for change nothing: every state-changing route, every persona
whose POST does the job, with and without a load of extra fields aimed at other people's
things. Both POSTs must change the database in exactly the same way."""

import pytest
from django.apps import apps
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, models
from django.test import Client

from accounts.models import User
from marketplace.models import Agreement, Message

from .factories import PASSWORD
from .helpers import NOT_COMPARED, STRONG_PASSWORD
from .routes import ROUTES, rolled_back, url_of

pytestmark = pytest.mark.django_db

ACTIONS = [(key, persona) for key, case in ROUTES.items() for persona in case.actors()]


def extra_fields(world) -> dict:
    """Everything an attacker might add to a form: roles, rights, prices, owners, ids."""
    intruder, accomplice, others = world["other_customer"], world["other_tasker"], world.others
    return {
        "status": "completed",
        "customer": intruder.pk,
        "customer_id": intruder.pk,
        "tasker": accomplice.pk,
        "tasker_id": accomplice.pk,
        "price": "0.01",
        "amount": "0.01",
        "budget": "0.01",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "role": User.Role.BOTH,
        "groups": Group.objects.get(name="Moderators").pk,
        "user_permissions": Permission.objects.get(codename="change_user").pk,
        "username": "mallory",
        "password": "mallory-password",
        "email": "mallory@example.com",
        "user": intruder.pk,
        "author": intruder.pk,
        "subject": intruder.pk,
        "reporter": intruder.pk,
        "recipient": intruder.pk,
        "sender": intruder.pk,
        "cancelled_by": intruder.pk,
        "resolved_by": intruder.pk,
        "task": others["task"].pk,
        "bid": others["bid"].pk,
        "agreement": others["agreement"].pk,
        "conversation": others["conversation"].pk,
        "message": others["message"].pk,
        "object_id": others["task"].pk,
        "kind": "user",
        "pk": others["task"].pk,
        "id": others["task"].pk,
        "rating": "1",
        "is_hidden": "on",
        "hidden_reason": "planted",
        "is_read": "on",
        "published_at": "2020-01-01 00:00",
        "completed_at": "2020-01-01 00:00",
        "email_muted_kinds": "message",
        "hourly_rate": "9999",
    }


def rows() -> dict:
    """Every row of every compared table, by primary key, with clocks and hashes masked."""
    result = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in NOT_COMPARED:
                continue
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)}")  # noqa: S608
            names = [column[0] for column in cursor.description]
            at = names.index(model._meta.pk.column)
            clocks = {f.column for f in model._meta.concrete_fields if is_clock(f)}
            result[model] = {
                row[at]: tuple(
                    mask(name, value, clocks) for name, value in zip(names, row, strict=True)
                )
                for row in cursor.fetchall()
            }
    return result


def is_clock(field) -> bool:
    return isinstance(field, models.DateTimeField)


def mask(column: str, value, clocks: set[str]):
    """Make two identical requests write identical values: timestamps say only whether they
    are set (so a posted `completed_at` still shows), password hashes which password they
    hold (their salt differs)."""
    if column in clocks:
        return "<set>" if value is not None else None
    if column == "password" and value:
        known = (PASSWORD, STRONG_PASSWORD, "mallory-password")
        return next((p for p in known if check_password(p, value)), "<another password>")
    return value


def difference(before: dict, after: dict) -> dict:
    """What changed between two `rows()`: added, removed and updated rows per table.

    Ids are comparable between runs: `rolled_back` undoes the rows and puts the id sequences
    back, so two identical requests make rows with the same ids.
    """
    result = {}
    for model, now in after.items():
        then = before[model]
        added = {pk: row for pk, row in now.items() if pk not in then}
        removed = sorted(then.keys() - now.keys())
        updated = {pk: (then[pk], row) for pk, row in now.items() if pk in then and then[pk] != row}
        if added or removed or updated:
            result[model._meta.label] = {"added": added, "removed": removed, "updated": updated}
    return result


def effect(key: str, persona: str, world, data: dict) -> tuple[int, dict]:
    """POST `data` as `persona` in a world that is put back afterwards; return what changed."""
    case = ROUTES[key]
    with rolled_back():
        client = Client()
        if world[persona] is not None:
            client.force_login(world[persona])
        if case.prepare:
            case.prepare(client, world)
        before = rows()
        response = client.post(url_of(key, world), data)
        return response.status_code, difference(before, rows())


@pytest.mark.parametrize(("key", "persona"), ACTIONS)
def test_extra_fields_change_nothing_more(world, key, persona):
    case = ROUTES[key]
    data = case.data(world, world[persona])
    extras = {name: value for name, value in extra_fields(world).items() if name not in data}

    plain = effect(key, persona, world, data)
    loaded = effect(key, persona, world, {**data, **extras})

    assert plain[1], "the plain POST should have changed something"
    assert loaded == plain


def test_the_comparison_sees_a_different_change(world):
    data = ROUTES["accounts:profile_edit"].data(world, world["customer"])

    york = effect("accounts:profile_edit", "customer", world, {**data, "city": "York"})
    hull = effect("accounts:profile_edit", "customer", world, {**data, "city": "Hull"})

    assert york != hull


def test_a_posted_price_does_not_change_what_the_agreement_costs(world):
    with rolled_back():
        client = Client()
        client.force_login(world["customer"])
        client.post(url_of("marketplace:bid_accept", world), {"amount": "0.01", "price": "0.01"})
        agreement = Agreement.objects.get(bid=world.bid)
        assert agreement.price == world.bid.amount
        assert agreement.tasker == world["tasker"]


def test_a_posted_sender_does_not_put_words_in_someone_elses_mouth(world):
    with rolled_back():
        client = Client()
        client.force_login(world["tasker"])
        body = {"body": "I will bring a ladder.", "sender": world["customer"].pk}
        client.post(url_of("marketplace:conversation_detail", world), body)
        message = Message.objects.get(body="I will bring a ladder.")
        assert message.sender == world["tasker"]
        assert message.conversation == world.conversation


def test_posting_rights_to_my_profile_grants_none(world):
    with rolled_back():
        client = Client()
        client.force_login(world["tasker"])
        data = ROUTES["accounts:profile_edit"].data(world, world["tasker"])
        extras = {"is_staff": "on", "is_superuser": "on", "username": "root", "groups": 1}
        client.post(url_of("accounts:profile_edit", world), {**data, **extras})
        tasker = User.objects.get(pk=world["tasker"].pk)
        assert (tasker.username, tasker.is_staff, tasker.is_superuser) == ("tom", False, False)
        assert tasker.city == "Hull"  # the form itself was saved
        assert not tasker.groups.exists()

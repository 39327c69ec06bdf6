"""Random input into every form: never a 500, never a partial write. A value may be a list:
the field is then sent twice, as a tampered form would."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import AgreementFactory, BidFactory, CompletedAgreementFactory, TaskFactory
from .helpers import snapshot

junk = st.one_of(
    st.text(max_size=60),
    st.tuples(st.characters(), st.integers(5000, 6000)).map(lambda pair: pair[0] * pair[1]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "NaN", "-1", "0", "1e400", "0.001", "\x00", "<script>x</script>"]),
)
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OK = {200, 302, 400, 404, 429}


def post_junk(client, url: str, fields: list[str], data) -> None:
    payload = {field: value for field, value in data.items() if value is not None}
    before = snapshot()
    response = client.post(url, payload)
    assert response.status_code in OK, (url, payload, response.status_code)
    if response.status_code != 302:
        assert snapshot() == before, (url, payload)


sent_twice = st.lists(junk, min_size=2, max_size=2)


def form_data(fields: list[str], values=st.one_of(junk, sent_twice)):  # noqa: B008
    return st.fixed_dictionaries({}, optional={field: values for field in fields})


TASK_FIELDS = [
    "title",
    "description",
    "category",
    "budget",
    "city",
    "postcode",
    "is_remote",
    "due_date",
]
BID_FIELDS = ["amount", "message", "estimated_hours"]


@pytest.mark.django_db
@FUZZ
@given(data=form_data(TASK_FIELDS))
def test_task_form(customer_client, data):
    post_junk(customer_client, "/tasks/new/", TASK_FIELDS, data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(TASK_FIELDS))
def test_task_edit_form(customer_client, customer, data):
    task = TaskFactory(customer=customer)
    post_junk(customer_client, f"/tasks/{task.pk}/edit/", TASK_FIELDS, data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(TASK_FIELDS))
def test_task_repost_form(customer_client, customer, data):
    task = TaskFactory(customer=customer, status="cancelled")
    post_junk(customer_client, f"/tasks/{task.pk}/repost/", TASK_FIELDS, data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(BID_FIELDS))
def test_bid_form(tasker_client, data):
    task = TaskFactory()
    post_junk(tasker_client, f"/tasks/{task.pk}/bid/", BID_FIELDS, data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(BID_FIELDS))
def test_bid_edit_form(tasker_client, tasker, data):
    bid = BidFactory(tasker=tasker)
    post_junk(tasker_client, f"/bids/{bid.pk}/edit/", BID_FIELDS, data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(["reason"]))
def test_agreement_cancel_form(customer_client, customer, data):
    agreement = AgreementFactory(task__customer=customer)
    post_junk(customer_client, f"/agreements/{agreement.pk}/cancel/", ["reason"], data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(["rating", "comment"]))
def test_review_form(customer_client, customer, data):
    agreement = CompletedAgreementFactory(task__customer=customer)
    post_junk(customer_client, f"/agreements/{agreement.pk}/review/", ["rating", "comment"], data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(["reason", "details"]))
def test_report_form(tasker_client, data):
    task = TaskFactory()
    post_junk(tasker_client, f"/report/task/{task.pk}/", ["reason", "details"], data)


PROFILE_FIELDS = ["display_name", "email", "role", "city", "bio", "skills", "hourly_rate"]


@pytest.mark.django_db
@FUZZ
@given(data=form_data(PROFILE_FIELDS))
def test_profile_form(customer_client, data):
    post_junk(customer_client, "/accounts/profile/", PROFILE_FIELDS, data)


SIGNUP_FIELDS = ["username", "email", "display_name", "role", "city", "password1", "password2"]


@pytest.mark.django_db
@FUZZ
@given(data=form_data(SIGNUP_FIELDS))
def test_signup_form(client, data):
    post_junk(client, "/accounts/signup/", SIGNUP_FIELDS, data)


@pytest.mark.django_db
@FUZZ
@given(data=form_data(["username", "password"]))
def test_login_form(client, data):
    post_junk(client, "/accounts/login/", ["username", "password"], data)


@pytest.mark.django_db
@FUZZ
@given(
    data=form_data(
        ["q", "category", "city", "budget_min", "budget_max", "remote", "sort", "page"], junk
    )
)
def test_browse_filters(client, data):
    response = client.get("/tasks/", data)
    assert response.status_code == 200

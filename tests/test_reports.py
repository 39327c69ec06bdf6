import pytest

from marketplace.models import Report

from .conftest import client_for
from .factories import BidFactory, ReviewFactory, TaskFactory


def test_a_user_reports_a_task_and_is_thanked(tasker_client, tasker):
    task = TaskFactory()
    page = tasker_client.get(f"/report/task/{task.pk}/")
    assert page.status_code == 200
    response = tasker_client.post(
        f"/report/task/{task.pk}/", {"reason": "spam", "details": "Links to a shop"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/tasks/{task.pk}/"
    assert b"A moderator will look at your report" in response.content
    report = Report.objects.get()
    assert (report.reporter, report.kind, report.object_id) == (tasker, "task", task.pk)


def test_one_open_report_per_reporter_and_object(tasker_client):
    task = TaskFactory()
    url = f"/report/task/{task.pk}/"
    tasker_client.post(url, {"reason": "spam"})
    response = tasker_client.post(url, {"reason": "fraud"}, follow=True)
    assert b"already reported" in response.content
    assert Report.objects.count() == 1


def test_a_report_needs_a_reason(tasker_client):
    task = TaskFactory()
    response = tasker_client.post(f"/report/task/{task.pk}/", {"details": "no reason"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not Report.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, db):
    task = TaskFactory()
    response = client.get(f"/report/task/{task.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("kind", ["nonsense", "agreement"])
def test_unknown_kinds_are_404(tasker_client, kind):
    assert tasker_client.get(f"/report/{kind}/1/").status_code == 404


def test_you_cannot_report_what_you_cannot_see(tasker_client, other_tasker):
    hidden = TaskFactory(is_hidden=True)
    someone_elses_bid = BidFactory(tasker=other_tasker)
    assert tasker_client.get(f"/report/task/{hidden.pk}/").status_code == 404
    assert tasker_client.get(f"/report/bid/{someone_elses_bid.pk}/").status_code == 404
    assert tasker_client.get("/report/user/999999/").status_code == 404


def test_the_task_owner_reports_a_bid(customer_client, customer):
    bid = BidFactory(task=TaskFactory(customer=customer))
    customer_client.post(f"/report/bid/{bid.pk}/", {"reason": "abuse"})
    assert Report.objects.get().object_id == bid.pk


def test_an_unpublished_review_cannot_be_reported_yet(tasker_client):
    review = ReviewFactory()
    assert tasker_client.get(f"/report/review/{review.pk}/").status_code == 404


def test_reporters_never_see_other_peoples_reports(tasker_client, other_tasker_client):
    task = TaskFactory()
    other_tasker_client.post(f"/report/task/{task.pk}/", {"reason": "spam", "details": "SECRET"})
    assert Report.objects.get().details == "SECRET"
    for page in (f"/tasks/{task.pk}/", "/dashboard/", "/notifications/"):
        assert b"SECRET" not in tasker_client.get(page).content
        assert b"SECRET" not in client_for(task.customer).get(page).content
    assert tasker_client.get("/admin/marketplace/report/").status_code == 302

from marketplace.models import Agreement, Bid, Review, Task

from .factories import TaskFactory


def test_a_task_goes_from_posted_to_two_published_reviews(customer_client, tasker_client, customer):
    task = TaskFactory(customer=customer)
    response = tasker_client.post(
        f"/tasks/{task.pk}/bid/",
        {"amount": "70", "message": "I have built many of these and can come Saturday."},
    )
    assert response.status_code == 302
    bid = Bid.objects.get(task=task)
    assert customer_client.post(f"/bids/{bid.pk}/accept/").status_code == 302
    agreement = Agreement.objects.get(task=task)
    tasker_client.post(f"/agreements/{agreement.pk}/deliver/")
    customer_client.post(f"/agreements/{agreement.pk}/confirm/")
    customer_client.post(f"/agreements/{agreement.pk}/review/", {"rating": 5, "comment": "Great"})
    tasker_client.post(f"/agreements/{agreement.pk}/review/", {"rating": 4, "comment": "Kind"})
    task.refresh_from_db()
    assert task.status == Task.Status.COMPLETED
    assert Review.objects.visible().count() == 2

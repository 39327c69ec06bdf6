"""Public questions in three browsers: a tasker asks, the customer answers, a third person
sees both. Run with JavaScript and without: the forms are plain forms."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.models import Question

from ..factories import CustomerFactory, TaskerFactory, TaskFactory
from .helpers import follow, said

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Is the old gate to be taken away? Details: https://example.com/gate or 07700 900123"
ANSWER = "Yes please, the skip is on the drive."


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_tasker_asks_the_customer_answers_and_a_third_person_sees_both(
    javascript, new_context, sign_in, screenshot, tmp_path_factory
):
    customer = CustomerFactory(display_name="Carol Customer")
    task = TaskFactory(customer=customer, title="Fit a garden gate")
    asker = TaskerFactory(display_name="Tom Tasker")
    other = TaskerFactory(display_name="Tina Other")
    customer_page = sign_in(new_context(java_script_enabled=javascript), customer).new_page()
    asker_page = sign_in(new_context(java_script_enabled=javascript), asker).new_page()
    other_page = sign_in(new_context(java_script_enabled=javascript), other).new_page()
    url = task.get_absolute_url()

    # The tasker asks on the task page; the hint says contact details do not belong there.
    asker_page.goto(url)
    questions = asker_page.get_by_role("region", name="Questions")
    expect(questions).to_contain_text("Keep contact details out")
    questions.get_by_label("Ask a public question").fill(QUESTION)
    follow(questions.get_by_role("button", name="Ask in public"))
    said(asker_page, "Your question is on the task page")
    expect(asker_page.locator(f"#question-{Question.objects.get().pk}")).to_contain_text(QUESTION)

    # The customer is told, opens the task and answers in place.
    customer_page.goto("/notifications/")
    expect(customer_page.get_by_text("Tom Tasker asked a public question")).to_be_visible()
    customer_page.goto(url)
    questions = customer_page.get_by_role("region", name="Questions")
    questions.get_by_label("Your answer").fill(ANSWER)
    follow(questions.get_by_role("button", name="Post answer"))
    said(customer_page, "Your answer is on the task page")
    if javascript:
        screenshot("questions-customer", customer_page, full_page=True)

    # A third person sees both, the link and the number as plain text.
    other_page.goto(url)
    questions = other_page.get_by_role("region", name="Questions")
    expect(questions).to_contain_text(QUESTION)
    expect(questions).to_contain_text(ANSWER)
    expect(questions.get_by_role("link", name=re.compile("example.com"))).to_have_count(0)
    expect(questions.get_by_role("button", name="Post answer")).to_have_count(0)
    if javascript:
        screenshot("questions-third-person", other_page, full_page=True)

    # The asker is told of the answer.
    asker_page.goto("/notifications/")
    expect(asker_page.get_by_text("Carol Customer answered your question")).to_be_visible()

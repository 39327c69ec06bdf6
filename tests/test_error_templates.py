"""The error templates themselves: Django renders them in the worst conditions."""

from django.template.loader import get_template


def test_the_500_page_renders_with_no_context_at_all():
    # Django renders 500.html without a request or context processors: no user, no messages,
    # no {% url %} that could fail again.
    html = get_template("500.html").render()

    assert "Something went wrong on our side" in html
    assert 'href="/"' in html  # a way back to the site


def test_the_404_page_offers_a_way_back_into_the_site(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    assert 'href="/tasks/"' in response.content.decode()

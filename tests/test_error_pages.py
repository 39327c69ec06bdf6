"""Our own error pages."""

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_an_unknown_url_gets_our_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'href="/tasks/"' in html  # a way back into the site


def test_the_500_page_renders_without_any_context():
    html = get_template("500.html").render()

    assert "Something went wrong on our side" in html


def test_the_500_handler_serves_our_page():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()

"""The design system's pieces (icons, avatars, star ratings, status badges), the footer's
pages, the components page, and what the home page promises."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace.models import Agreement, Bid, Category, Notification, Task
from marketplace.templatetags.ui import (
    AVATAR_TONES,
    CATEGORY_ICONS,
    DEFAULT_CATEGORY_ICON,
    DEFAULT_NOTIFICATION_ICON,
    ICON_SPRITE,
    NOTIFICATION_ICONS,
    STATUS_BADGES,
    STATUS_ICONS,
    category_icon,
    notification_icon,
)

from .factories import TaskFactory, UserFactory, seed_categories

STATIC = Path(django_settings.BASE_DIR) / "static"
SPRITE_IDS = set(re.findall(r'<symbol[^>]* id="([^"]+)"', (STATIC / ICON_SPRITE).read_text()))
FOOTER_PAGES = {
    "help": ["How Tasker works", "no fees, no commission", "Cancelling", "Reviews", "Report"],
    "terms": ["Terms of use", "Tasker charges nothing", "Moderation"],
    "privacy": ["Privacy", "What we store", "For how long", "Your rights", "Deleted user"],
    "contact": ["Contact", "mailto:"],
}


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


# --- The footer's pages ---


@pytest.mark.django_db
def test_the_footer_links_to_help_terms_privacy_and_contact(client):
    footer = client.get(reverse("home")).content.decode().split("<footer", 1)[1]
    for name in FOOTER_PAGES:
        assert f'href="{reverse(name)}"' in footer, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", FOOTER_PAGES)
def test_each_footer_page_answers_with_its_content(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for words in FOOTER_PAGES[name]:
        assert words in html, words
    # Real pages, not a heading and a line.
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert len(re.sub(r"<[^>]+>|\s+", " ", main).split()) > 80


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["contact", "privacy", "terms"])
def test_pages_give_the_support_address_from_the_settings(client, settings, name):
    settings.SUPPORT_EMAIL = "help@tasker.example.org"
    html = client.get(reverse(name)).content.decode()
    assert 'href="mailto:help@tasker.example.org"' in html


# --- The components page ---


@pytest.mark.django_db
def test_the_styleguide_is_not_found_on_a_live_site(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("styleguide")).status_code == 404


@pytest.mark.django_db
def test_the_styleguide_shows_every_component_in_development(client, settings):
    settings.DEBUG = True
    seed_categories()
    response = client.get(reverse("styleguide"))
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ["Buttons", "Status badges", "Avatars", "Star ratings", "Icons", "Cards"]:
        assert f">{heading}</h2>" in html, heading
    assert "4.5 out of 5, 12 reviews" in html and "No reviews yet" in html
    assert all(f"avatar-tone-{tone}" in html for tone in range(AVATAR_TONES))


# --- Icons ---


def test_the_icon_tag_points_into_the_vendored_sprite():
    html = render('{% icon "search" %}')
    assert 'aria-hidden="true"' in html and 'role="img"' not in html
    assert re.search(
        r'<use href="[^"]*/bootstrap-icons-1\.13\.2/bootstrap-icons\.svg#search">', html
    )
    named = render('{% icon "flag" label="Reported" %}')
    assert 'role="img" aria-label="Reported"' in named and "aria-hidden" not in named


def test_an_icon_follows_the_static_files_address_when_it_changes(settings):
    render('{% icon "search" %}')  # remembered once built, for the same icon
    settings.STATIC_URL = "/elsewhere/"
    assert '<use href="/elsewhere/vendor/bootstrap-icons' in render('{% icon "search" %}')


def test_a_star_rating_and_a_status_badge_keep_their_markup():
    assert render("{% star_rating rating 3 %}", rating=4.26) == (
        '<span class="rating"><span class="rating-stars" aria-hidden="true">'
        + render('{% icon "star-fill" %}') * 4
        + render('{% icon "star-half" %}')
        + '</span> <span class="rating-value" aria-hidden="true">4.3</span> '
        '<span class="rating-count" aria-hidden="true">(3)</span>'
        '<span class="visually-hidden">4.3 out of 5, 3 reviews</span></span>'
    )
    assert render("{% status_badge 'open' hidden=True %}") == (
        '<span class="badge status-badge tone-ended">'
        + render('{% icon "dash-circle" %}')
        + " Hidden by a moderator</span>"
    )


def test_every_icon_the_templates_use_is_in_the_sprite():
    templates = Path(django_settings.BASE_DIR) / "templates"
    used = {
        name
        for path in templates.rglob("*.html")
        for name in re.findall(r'(?:{% icon |icon_name=)"([^"]+)"', path.read_text())
    }
    used |= set(CATEGORY_ICONS.values()) | set(NOTIFICATION_ICONS.values())
    used.add(DEFAULT_NOTIFICATION_ICON)
    used |= {DEFAULT_CATEGORY_ICON, *STATUS_ICONS.values(), "star", "star-fill", "star-half"}
    assert used - SPRITE_IDS == set()
    assert len(used) > 20


@pytest.mark.django_db
def test_every_category_has_its_own_icon():
    seed_categories()
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert slugs == set(CATEGORY_ICONS)
    assert len(set(CATEGORY_ICONS.values())) == len(CATEGORY_ICONS)
    assert category_icon(Category(slug="unknown")) == "tag"


def test_every_kind_of_notification_has_an_icon():
    assert set(NOTIFICATION_ICONS) == set(Notification.Kind.values)
    assert notification_icon("review_published") == "star-fill"
    assert notification_icon("unknown") == "bell"


# --- Avatars ---


def test_an_avatar_shows_initials_named_by_the_person():
    user = User(pk=11, username="carol", display_name="Carol Customer")
    html = render("{% avatar user %}", user=user)
    assert 'role="img" aria-label="Carol Customer"' in html
    assert ">CC</span>" in html
    assert "avatar-md" in html


def test_an_avatars_colour_is_the_same_on_every_page_and_differs_between_neighbours():
    def tone(user) -> str:
        return re.search(r"avatar-tone-(\d)", render("{% avatar user %}", user=user)).group(1)

    carol = User(pk=11, username="carol", display_name="Carol Customer")
    assert tone(carol) == tone(User(pk=11, username="carol", display_name="Carol C.")) == "3"
    assert len({tone(User(pk=pk, username=f"u{pk}")) for pk in range(1, 9)}) == AVATAR_TONES


def test_a_username_without_a_display_name_gives_initials_from_its_words():
    user = User(pk=3, username="tina_the_tidiest_tasker_in_west_yorkshire", display_name="")
    html = render('{% avatar user size="lg" %}', user=user)
    assert ">TT</span>" in html and "avatar-lg" in html
    assert 'aria-label="tina_the_tidiest_tasker_in_west_yorkshire"' in html


def test_an_avatar_beside_the_name_is_hidden_from_screen_readers_and_can_be_a_photo():
    user = User(pk=4, username="tom", display_name="Tom Tasker")
    html = render("{% avatar user decorative=True %}", user=user)
    assert 'aria-hidden="true"' in html and "aria-label" not in html
    photo = render('{% avatar user photo_url="/media/tom.jpg" %}', user=user)
    assert '<img class="avatar avatar-md" src="/media/tom.jpg" alt="Tom Tasker">' in photo


def test_an_avatar_refuses_an_unknown_size():
    with pytest.raises(TemplateSyntaxError):
        render('{% avatar user size="huge" %}', user=User(pk=1, username="x"))


# --- Star ratings ---


@pytest.mark.parametrize(
    ("rating", "count", "label", "stars"),
    [
        (Decimal("4.5"), 12, "4.5 out of 5, 12 reviews", ("star-fill",) * 4 + ("star-half",)),
        (5, 1, "5.0 out of 5, 1 review", ("star-fill",) * 5),
        (3.24, 5, "3.2 out of 5, 5 reviews", ("star-fill",) * 3 + ("star",) * 2),
        (3.7, None, "3.7 out of 5", ("star-fill",) * 3 + ("star-half", "star")),
        (3.75, None, "3.8 out of 5", ("star-fill",) * 4 + ("star",)),
    ],
)
def test_a_rating_shows_stars_and_the_number_and_says_it_in_words(rating, count, label, stars):
    html = render("{% star_rating rating count %}", rating=rating, count=count)
    assert f'<span class="visually-hidden">{label}</span>' in html
    assert tuple(re.findall(r"bootstrap-icons\.svg#([a-z-]+)", html)) == stars
    assert f'<span class="rating-value" aria-hidden="true">{label.split()[0]}</span>' in html
    if count is not None:
        assert f"({count})" in html


def test_no_rating_says_no_reviews_yet():
    html = render("{% star_rating rating 0 %}", rating=None)
    assert "No reviews yet" in html and "bootstrap-icons" not in html


# --- Status badges ---


def test_every_status_has_words_people_use():
    statuses = {*Task.Status.values, *Bid.Status.values, *Agreement.Status.values}
    assert statuses == set(STATUS_BADGES)
    assert "Not chosen" in render("{% status_badge 'rejected' %}")
    assert "Delivered, to confirm" in render("{% status_badge status %}", status="delivered")


# --- The home page and the browse filters ---


@pytest.mark.django_db
def test_nothing_promises_a_payment_step(client):
    html = client.get(reverse("home")).content.decode()
    assert "pay only" not in html.lower()
    assert "takes no fee and no payment" in html


@pytest.mark.django_db
def test_a_task_card_shows_its_category_icon_budget_bids_and_place(client):
    seed_categories()
    task = TaskFactory(
        category=Category.objects.get(slug="gardening"), budget=Decimal("45"), city="York"
    )
    html = client.get(reverse("marketplace:task_list")).content.decode()
    card = re.search(r'<article class="card[^"]*">.*?</article>', html, re.S).group()
    assert "bootstrap-icons.svg#flower1" in card
    assert "£45.00" in card and re.search(r"\b0 bids<", card)
    assert task.city in card and ">0\xa0minutes ago</time>" in card


def test_how_long_ago_is_said_in_its_largest_unit():
    moment = timezone.now() - datetime.timedelta(days=2, hours=5)
    assert render("{{ moment|ago }}", moment=moment) == "2\xa0days ago"


@pytest.mark.django_db
def test_the_browse_filters_are_folded_until_opened_or_in_error(client):
    html = client.get(reverse("marketplace:task_list")).content.decode()
    assert '<details class="filter-panel">' in html
    filtered = client.get(reverse("marketplace:task_list"), {"q": "lawn", "remote": "on"})
    assert "(2 on)" in filtered.content.decode()
    wrong = client.get(reverse("marketplace:task_list"), {"budget_min": "lots"})
    assert '<details class="filter-panel" open>' in wrong.content.decode()


@pytest.mark.django_db
def test_the_navbar_names_the_signed_in_person_beside_their_avatar(client):
    user = UserFactory(display_name="Priya Shah")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<details class="nav-menu">' in nav
    assert re.search(r'aria-hidden="true">PS</span> <span class="nav-profile-name">Priya Shah', nav)

"""Templates offer what the view or the models' rules say, never a rule of their own.

Who may do what lives in the transition tables (marketplace/states.py) and the models'
methods built on them; a template that compares a status or a user id to decide what to
offer is a second copy of a rule. This reads every template's `{% if %}` and `{% elif %}`
conditions and fails, with the file and line, on any such comparison — except the few that
only pick a name, "You" or a style for display, listed below with why.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

CONDITION = re.compile(r"{%-?\s*(?:el)?if\s+(.*?)\s*-?%}", re.DOTALL)
USER_ID = re.compile(
    r"(?:\bpk|_id)\s*(?:==|!=)"  # user.pk == …, task.customer_id != …
    r"|(?:==|!=)\s*(?:request\.)?user\b"  # … == user
)

# Conditions that choose which person's name, avatar or "You" to show, or how to style
# one's own message: display, not an action.
DISPLAY_ONLY = {
    ("marketplace/inbox.html", "conversation.user_a_id == user.pk"),
    ("marketplace/inbox.html", "conversation.last_sender_id == user.pk"),
    ("marketplace/review_form.html", "user.pk == object.customer_id"),
    ("marketplace/agreement_cancel.html", "user.pk == object.customer_id"),
    ("marketplace/dashboard.html", "agreement.customer_id == user.pk"),
    ("marketplace/conversation_detail.html", "message.sender_id == user.pk"),
    ("marketplace/conversation_detail.html", "message.is_hidden and message.sender_id != user.pk"),
    ("marketplace/_review.html", "user.pk == review.author_id and not review.is_published"),
}


def status_pattern():
    """Any comparison with `status`, or with a status value of any model, quoted."""
    values = {
        value
        for model in apps.get_app_config("marketplace").get_models()
        if hasattr(model, "Status")
        for value in model.Status.values
    }
    quoted = "|".join(sorted(re.escape(value) for value in values))
    return re.compile(
        rf"\bstatus\b\s*(?:==|!=)"
        rf"|(?:==|!=)\s*\S*\bstatus\b"
        rf"|(?:==|!=|\bin)\s*[\"'](?:{quoted})[\"']"
        rf"|[\"'](?:{quoted})[\"']\s*(?:==|!=|\bin\b)"
    )


def rule_comparisons(root=TEMPLATES):
    """Yield "file:line: condition" for each condition that decides by status or user id."""
    status = status_pattern()
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        text = path.read_text()
        for match in CONDITION.finditer(text):
            condition = " ".join(match.group(1).split())
            if (name, condition) in DISPLAY_ONLY:
                continue
            if status.search(condition) or USER_ID.search(condition):
                line = text.count("\n", 0, match.start()) + 1
                yield f"{name}:{line}: {{% if {condition} %}}"


def test_no_template_decides_by_status_or_user_id():
    found = list(rule_comparisons())
    assert not found, "Ask the table (available_actions) instead:\n" + "\n".join(found)


def test_the_check_catches_each_kind(tmp_path):
    (tmp_path / "page.html").write_text(
        '{% if task.status == "open" %}a{% endif %}\n'
        '{% elif bid.status != "pending" %}\n'
        '{% if "completed" == agreement.status %}{% endif %}\n'
        "{% if user.pk != task.customer_id %}{% endif %}\n"
        "{% if agreement.tasker == user %}{% endif %}\n"
        '{% if "bid" in actions %}{% endif %}\n'
    )
    found = list(rule_comparisons(tmp_path))
    assert [line.split(":")[1] for line in found] == ["1", "2", "3", "4", "5"]

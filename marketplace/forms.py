import uuid

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from tasker.validators import single_line
from tasker.widgets import RadioSelect

from .models import (
    SEARCH_NAME_MAX_LENGTH,
    Agreement,
    Bid,
    Category,
    Message,
    Notification,
    Report,
    Review,
    SavedSearch,
    Task,
)
from .models.questions import ANSWER_EDIT_WINDOW, QUESTION_MAX_LENGTH
from .photo_forms import PhotosFieldMixin
from .places import DEFAULT_RADIUS, MAX_RADIUS, MIN_RADIUS, place_find


class SubmittedOnceForm(forms.Form):
    """A form that creates something: it carries a one-time token, rendered with the page,
    so that submitting the same page twice creates one thing (services.submit_once)."""

    submission = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class DateInput(forms.DateInput):
    input_type = "date"


DUE_WITHIN_DAYS = 365  # a due date is at most a year away


def latest_due_date():
    return timezone.localdate() + timezone.timedelta(days=DUE_WITHIN_DAYS)


class TaskForm(PhotosFieldMixin, forms.ModelForm):
    class Meta:
        model = Task
        fields = (
            "title",
            "description",
            "category",
            "budget",
            "city",
            "postcode",
            "is_remote",
            "due_date",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "due_date": DateInput(),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }
        help_texts = {
            "description": "What needs doing, where, and anything a tasker should bring or know.",
            "budget": "In pounds, what you expect to pay in total.",
            "city": "Where the task is: a UK town or village, so that taskers near it find it."
            " Leave blank only if it can be done remotely.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = "Choose a category"
        self.fields["due_date"].help_text = (
            f"When it must be done by: today or within a year (by "
            f"{date_format(latest_due_date(), 'j F Y')})."
        )

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 5:
            raise forms.ValidationError(
                "Give the task a title of at least 5 characters.", code="short"
            )
        return title

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if len(description) < 20:
            raise forms.ValidationError(
                "Describe the task in at least 20 characters so taskers can price it.",
                code="short",
            )
        return description

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.", code="past")
        if due > latest_due_date():
            raise forms.ValidationError(
                "Choose a due date within a year, by %(latest)s at the latest.",
                code="too_far",
                params={"latest": date_format(latest_due_date(), "j F Y")},
            )
        return due

    def clean(self):
        data = super().clean()
        if not data.get("is_remote") and not (data.get("city") or "").strip():
            self.add_error(
                "city",
                forms.ValidationError("Say where the task is, or tick “remote”.", code="place"),
            )
        return data


class TaskPostForm(SubmittedOnceForm, TaskForm):
    pass


class BidForm(forms.ModelForm):
    class Meta:
        model = Bid
        fields = ("amount", "message", "estimated_hours")
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4}),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }
        labels = {"amount": "Your price (£)", "estimated_hours": "Estimated hours (optional)"}
        help_texts = {"message": "Why you? Experience, availability, what is included."}

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 15 or len(message.split()) < 3:
            raise forms.ValidationError(
                "Write at least a sentence to the customer about your bid.", code="short"
            )
        return message


class BidPlaceForm(SubmittedOnceForm, BidForm):
    pass


class AgreementCancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Agreement._meta.get_field("cancellation_reason").max_length,
        help_text="The other party sees this reason.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Please explain in at least 10 characters.", code="short")
        return reason


class ReviewForm(SubmittedOnceForm, forms.ModelForm):
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        coerce=int,
        widget=RadioSelect,
    )

    class Meta:
        model = Review
        fields = ("rating", "comment")
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}


class TaskFilterForm(forms.Form):
    FILTERS = ("q", "category", "city", "budget_min", "budget_max", "remote", "near")
    q = forms.CharField(label="Search", required=False, max_length=100)
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All categories",
    )
    city = forms.CharField(required=False, max_length=80)
    budget_min = forms.DecimalField(
        label="Budget from (£)", required=False, min_value=0, max_digits=9, decimal_places=2
    )
    budget_max = forms.DecimalField(
        label="Budget to (£)", required=False, min_value=0, max_digits=9, decimal_places=2
    )
    near = forms.CharField(
        label="Near (UK town or village)",
        required=False,
        max_length=100,
        error_messages={"max_length": "A place name has at most %(limit_value)s characters."},
    )
    radius = forms.IntegerField(
        label="Within (miles)",
        required=False,
        min_value=MIN_RADIUS,
        max_value=MAX_RADIUS,
        help_text=f"{MIN_RADIUS} to {MAX_RADIUS}; {DEFAULT_RADIUS} if left empty.",
        error_messages={
            key: f"Choose a distance from {MIN_RADIUS} to {MAX_RADIUS} miles."
            for key in ("invalid", "min_value", "max_value")
        },
    )
    remote = forms.BooleanField(
        label="Remote tasks",
        required=False,
        help_text="On its own: only tasks done remotely. With a place: remote tasks as well.",
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("newest", "Newest"),
            ("budget_desc", "Budget: high to low"),
            ("budget_asc", "Budget: low to high"),
            ("due", "Due soonest"),
            ("distance", "Nearest first (with a place)"),
        ],
    )
    # What `near` found (places.PlaceMatch): the place, the others of its name, or close
    # spellings of an unknown one; None when no place was asked for.
    place_match = None

    def clean_near(self):
        text = self.cleaned_data["near"]
        if not text:
            return None
        self.place_match = match = place_find(text)
        if match.place is None:
            message = f"We could not find “{match.typed}” among UK towns and villages."
            if match.suggestions:
                names = ", ".join(str(place) for place in match.suggestions)
                message += f" Did you mean {names}?"
            raise forms.ValidationError(message + " Distance is not filtered.")
        return match.place

    def filters(self) -> dict:
        """The valid filters and sort, for `selectors.tasks_browse`.

        A field in error is left out; the others still apply (a mistyped budget does not
        throw away the keywords and category the user chose).
        """
        self.is_valid()  # fields in error are left out of cleaned_data
        return getattr(self, "cleaned_data", {})

    def active_filter_count(self) -> int:
        """How many valid filters narrow the list (the sort order is not one)."""
        data = getattr(self, "cleaned_data", {})
        return sum(1 for name in self.FILTERS if data.get(name) not in (None, "", False))

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", "The upper budget must be at least the lower one.")
        if data.get("sort") == "distance" and not data.get("near"):
            self.add_error("sort", "Nearest first needs a place: fill in “Near”.")
        return data


# --- Saved searches ---


class SavedSearchNameMixin:
    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the search a name.", code="required")
        return name


NAME_ERRORS = {
    "required": "Give the search a name.",
    "max_length": "Keep the name to %(limit_value)s characters (it has %(show_value)s).",
}


class SavedSearchForm(SavedSearchNameMixin, forms.Form):
    """Save the browse page's filters under a name.

    The filters come as hidden fields holding exactly what the page was showing; they are
    checked by the browse page's own form (TaskFilterForm), so a saved search lists what
    the page listed. `near` and `radius` are the distance filters of the same page.
    """

    FILTER_FIELDS = ("q", "category", "city", "budget_min", "budget_max", "remote")

    name = forms.CharField(
        label="Name this search",
        max_length=SEARCH_NAME_MAX_LENGTH,
        validators=[single_line],
        error_messages=NAME_ERRORS,
        help_text="For example “Fences in Cardiff”.",
    )
    frequency = forms.ChoiceField(
        label="Email me new matches",
        choices=SavedSearch.Frequency.choices,
        initial=SavedSearch.Frequency.DAILY,
        widget=RadioSelect,
    )
    q = forms.CharField(required=False, widget=forms.HiddenInput)
    category = forms.CharField(required=False, widget=forms.HiddenInput)
    city = forms.CharField(required=False, widget=forms.HiddenInput)
    budget_min = forms.CharField(required=False, widget=forms.HiddenInput)
    budget_max = forms.CharField(required=False, widget=forms.HiddenInput)
    remote = forms.CharField(required=False, widget=forms.HiddenInput)
    near = forms.CharField(required=False, widget=forms.HiddenInput)
    radius = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def initial_from(cls, filter_form: "TaskFilterForm") -> dict:
        """The hidden fields for what `filter_form` (the browse page's) is showing."""
        data = filter_form.filters()
        initial = {name: data.get(name) for name in cls.FILTER_FIELDS}
        initial["category"] = data["category"].slug if data.get("category") else ""
        initial["remote"] = "on" if data.get("remote") else ""
        initial["near"] = data.get("near") or ""
        initial["radius"] = data.get("radius") or ""
        initial["name"] = cls.suggested_name(data)
        return initial

    @staticmethod
    def suggested_name(data: dict) -> str:
        """A name saying what the filters are, or none when there are no filters."""
        if not any(data.get(name) for name in ("q", "category", "city", "near", "remote")):
            return ""
        parts = [data.get("q") or (data["category"].name if data.get("category") else "Tasks")]
        if data.get("city"):
            parts.append(f"in {data['city']}")
        if data.get("near"):
            parts.append(f"near {data['near']}")
        if data.get("remote"):
            parts.append("(remote)")
        return " ".join(str(part) for part in parts)[:SEARCH_NAME_MAX_LENGTH]

    def clean(self):
        data = super().clean()
        filter_form = TaskFilterForm(
            data={name: self.data.get(name, "") for name in (*self.FILTER_FIELDS, "near", "radius")}
        )
        if not filter_form.is_valid():
            problems = " ".join(
                str(error) for errors in filter_form.errors.values() for error in errors
            )
            raise forms.ValidationError(
                "These filters cannot be saved: %(problems)s Change them on the browse page.",
                code="filters",
                params={"problems": problems},
            )
        self.filters = filter_form.cleaned_data
        self.filters["near"] = (self.data.get("near") or "").strip()
        self.filters["radius"] = self._radius() if self.filters["near"] else None
        if not filter_form.active_filter_count() and not self.filters["near"]:
            raise forms.ValidationError(
                "Choose at least one filter on the browse page (keywords, a category, a "
                "place, a budget or remote only) before saving the search: a search with "
                "no filters would alert you of every task.",
                code="no_filters",
            )
        return data

    def _radius(self) -> int | None:
        # Checked by the browse form once it knows distance; kept in bounds here either way.
        radius = self.filters.get("radius") or self.data.get("radius")
        try:
            radius = int(radius)
        except (TypeError, ValueError):
            return None
        return radius if 1 <= radius <= 100 else None


class SavedSearchEditForm(SavedSearchNameMixin, forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ("name", "frequency")
        labels = {"name": "Name", "frequency": "Email me new matches"}
        widgets = {"frequency": RadioSelect}
        error_messages = {"name": NAME_ERRORS}


class ReportForm(SubmittedOnceForm, forms.ModelForm):
    class Meta:
        model = Report
        fields = ("reason", "details")
        widgets = {"reason": RadioSelect, "details": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"details": "Optional: anything that helps a moderator understand."}
        error_messages = {"reason": {"required": "Choose why you are reporting this."}}


# --- Public questions ---

PUBLIC_HINT = (
    "Everyone can read this. Keep contact details out: phone numbers, emails and links "
    "stay plain text here. Use a private message for anything private."
)


def _public_text(label: str, what: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
        error_messages={
            "required": f"Write your {what} first.",
            "max_length": f"Keep your {what} to %(limit_value)s characters "
            "(it has %(show_value)s).",
        },
    )


class QuestionForm(SubmittedOnceForm):
    text = _public_text("Ask a public question", "question", PUBLIC_HINT)


class AnswerForm(forms.Form):
    answer = _public_text(
        "Your answer",
        "answer",
        PUBLIC_HINT.replace("Use a private message", "Reply by private message")
        + f" You can edit your answer for {int(ANSWER_EDIT_WINDOW.total_seconds() // 60)} "
        "minutes after you first give it.",
    )


# --- Messages and notifications ---


class MessageForm(SubmittedOnceForm):
    body = forms.CharField(
        label="Your message",
        max_length=Message._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write a message before sending it.",
            "max_length": "Keep your message to %(limit_value)s characters "
            "(it has %(show_value)s).",
        },
    )


class EmailPreferencesForm(forms.Form):
    emailed_kinds = forms.MultipleChoiceField(
        label="Email me when",
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You always see every notification on the site; this only decides email.",
    )

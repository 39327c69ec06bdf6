"""Form widgets shared by every app."""

from django import forms


class RadioSelect(forms.RadioSelect):
    """Radio buttons with no blank choice when an answer is required.

    Django gives a model field with choices and no default a blank choice ("- Select an
    option -"). In a list of radio buttons that blank is one more button, checked from the
    start, and sending the form as shown fails. Here nothing is checked until the user picks
    one of the real choices.
    """

    def optgroups(self, name, value, attrs=None):
        if self.is_required:
            self.choices = [choice for choice in self.choices if choice[0] not in ("", None)]
        return super().optgroups(name, value, attrs)

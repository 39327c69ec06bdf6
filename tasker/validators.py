"""Validators shared by every app."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Bidirectional overrides and isolates: they make text display in another order than it
# is written (a name that reads "txt.exe" as "exe.txt").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@deconstructible
class SingleLineValidator:
    """Refuse line breaks, tabs and other control characters in a one-line field.

    Such a field is printed in emails, headers and lists, where a line break starts a
    new line the user did not write ("Bcc: …") and a control character hides text.
    """

    message = (
        "Use a single line of plain text: line breaks, tabs and other control characters "
        "are not allowed."
    )
    code = "control_characters"

    def __call__(self, value) -> None:
        if any(
            unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS
            for char in str(value)
        ):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator)


single_line = SingleLineValidator()

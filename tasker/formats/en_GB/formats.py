"""British formats, except that form fields show dates the way the browser's date input needs.

A widget renders a date with the first of DATE_INPUT_FORMATS. Django's en-GB list starts
with `25/10/2006`, which an `<input type="date">` cannot parse: the browser shows the field
empty and posts nothing. ISO 8601 comes first here, so every date field, whatever its
widget, renders `2006-10-25`; typed British dates are still understood.
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403 (the rest stays British)
from django.conf.locale.en_GB.formats import DATE_INPUT_FORMATS as BRITISH_DATE_INPUT_FORMATS

DATE_INPUT_FORMATS = ["%Y-%m-%d", *BRITISH_DATE_INPUT_FORMATS]

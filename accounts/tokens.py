"""Signed, expiring links that confirm an email address.

One token serves both a new account's address and a change of address: it names the
account, the address it had when the link was sent, and the address to confirm. It only
works while the account still has the first one, so an old link cannot undo a later change
and a used link cannot be used again.
"""

from django.conf import settings
from django.core import signing

SALT = "accounts.email_confirm"


def email_token(*, user, new_email: str) -> str:
    return signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=SALT)


def read_email_token(token: str) -> dict:
    """Return {"u", "old", "new"}, or raise signing.BadSignature (SignatureExpired too)."""
    data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CONFIRM_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("Unexpected email token content.")
    if not all(isinstance(data.get(key), str) for key in ("old", "new")):
        raise signing.BadSignature("Unexpected email token content.")
    return data

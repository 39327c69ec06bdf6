from django.contrib.auth.backends import ModelBackend

from .models import User


class EmailOrUsernameBackend(ModelBackend):
    """Authenticate by username, or by email ignoring case.

    A username match wins, so nobody can shadow an account by choosing its email as a
    username. Inactive (suspended) users are refused here and, through `get_user`, are
    signed out on their next request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = (
            User.objects.filter(username=username).first()
            or User.objects.filter(email__iexact=username).first()
        )
        if user is None:
            # Hash anyway so an unknown login takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password):
            if self.user_can_authenticate(user):
                return user
            if request is not None:
                # Only someone who knows the password learns the account is suspended.
                request.login_refused_user = user
        return None


# django-axes stores the key in a 255-character column. No account has a longer username
# (150) or email (254), but a login form does not stop one being typed, and PostgreSQL
# refuses to store it: a 500 instead of "wrong username or password".
LOGIN_KEY_MAX_LENGTH = 255


def login_key(request, credentials) -> str:
    """What django-axes counts failures against: the account the login names.

    "Sam", "sam" and "sam@example.com" all count against Sam's account, so changing the
    spelling after a lock-out gains nothing. A login that names no account counts against
    itself, case-folded, and so is answered exactly like one that does.
    """
    typed = (credentials or {}).get("username", "").strip()[:LOGIN_KEY_MAX_LENGTH]
    username = (
        User.objects.filter(username__iexact=typed).values_list("username", flat=True).first()
        or User.objects.filter(email__iexact=typed).values_list("username", flat=True).first()
    )
    return (username or typed).lower()

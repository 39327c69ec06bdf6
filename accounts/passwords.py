"""How strong a new password must be, beyond Django's own validators."""

from django_zxcvbn_password_validator import ZxcvbnPasswordValidator

# zxcvbn refuses to judge longer passwords (its time grows with the length); our hasher
# takes any length, so a longer one is judged by its start, which only underrates it.
ZXCVBN_MAX_LENGTH = 72


class StrengthValidator(ZxcvbnPasswordValidator):
    """zxcvbn's estimate, offline: refuse what an attacker would guess quickly, and say why
    ("Summer2026": similar to a commonly used password, guessed in minutes)."""

    def validate(self, password, user=None):
        super().validate(password[:ZXCVBN_MAX_LENGTH], user)

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from .models import User


def check_email_free(email: str, *, exclude: User | None = None) -> str:
    """Refuse an email another account already uses, whatever its case."""
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise forms.ValidationError(
            "An account with this email already exists.", code="duplicate_email"
        )
    return email


class SignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email", "display_name", "role", "city")
        widgets = {"role": forms.RadioSelect}
        help_texts = {"display_name": "Shown to other users. Leave blank to use your username."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["role"].help_text = "You can switch to “Both” later in your profile."

    def clean_email(self) -> str:
        return check_email_free(self.cleaned_data["email"])


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email"
        self.error_messages["invalid_login"] = (
            "That username or email and password do not match an active account. "
            "Passwords are case-sensitive."
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "role", "city", "bio", "skills", "hourly_rate")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_email(self) -> str:
        return check_email_free(self.cleaned_data["email"], exclude=self.instance)

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from tasker import images
from tasker.widgets import RadioSelect

from .models import User
from .photos import STORED_SIDE


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


class ErrorSummaryTakesFocus:
    """Django's auth forms autofocus their first field; once a form has errors, the error
    summary above it takes the focus instead (partials/_error_summary.html), and a page
    may hold only one autofocus."""

    def full_clean(self):
        super().full_clean()
        if self._errors:
            for field in self.fields.values():
                field.widget.attrs.pop("autofocus", None)


class SignupForm(ErrorSummaryTakesFocus, auth_forms.UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email", "display_name", "role", "city")
        widgets = {"role": RadioSelect}
        help_texts = {"display_name": "Shown to other users. Leave blank to use your username."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["role"].help_text = "You can switch to “Both” later in your profile."

    def clean_email(self) -> str:
        return check_email_free(self.cleaned_data["email"])


class LoginForm(ErrorSummaryTakesFocus, auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email"
        self.error_messages["invalid_login"] = (
            "That username or email and password do not match an active account. "
            "Passwords are case-sensitive."
        )

    def get_invalid_login_error(self):
        # Set by the backend only when the password was right (accounts/backends.py).
        user = getattr(self.request, "login_refused_user", None)
        if user is None or user.is_active:
            return super().get_invalid_login_error()
        reason = f" The reason given: “{user.suspension_reason}”." if user.suspension_reason else ""
        return forms.ValidationError(
            f"This account is suspended, so it cannot sign in.{reason} If you think this is a "
            f"mistake, write to {settings.SUPPORT_EMAIL} to appeal.",
            code="suspended",
        )


class PasswordChangeForm(ErrorSummaryTakesFocus, auth_forms.PasswordChangeForm):
    pass


class ProfileForm(forms.ModelForm):
    # The email address has its own form (EmailChangeForm): changing it needs the password.
    photo = forms.FileField(
        label="Profile picture (optional)",
        required=False,
        widget=forms.FileInput(attrs={"accept": images.ACCEPT}),
        help_text=f"A photo of your face, cropped to a square. {images.HINT}",
    )
    remove_photo = forms.BooleanField(label="Remove my picture", required=False)

    class Meta:
        model = User
        fields = ("display_name", "role", "city", "bio", "skills", "hourly_rate")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.photo:
            del self.fields["remove_photo"]

    def clean_photo(self) -> images.CleanImage | None:
        upload = self.cleaned_data.get("photo")
        return images.clean_image(upload, square=STORED_SIDE) if upload else None

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors and self.cleaned_data.get("photo") and "photo" not in self.errors:
            # A browser cannot keep a chosen file when the page comes back with an error.
            self.add_error(
                "photo", "Choose the picture again: the page came back because of the errors above."
            )


class EmailChangeForm(ErrorSummaryTakesFocus, forms.Form):
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="We send a link there; your address changes when you open it.",
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError("That is already your address.", code="same_email")
        return check_email_free(email, exclude=self.user)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your current password.", code="password_incorrect"
            )
        return password


class AccountDeleteForm(ErrorSummaryTakesFocus, forms.Form):
    """Deleting the account asks for the password again: a borrowed session is not enough."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Nothing was deleted.", code="password_incorrect"
            )
        return password

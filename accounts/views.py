import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from tasker.pagecache import PageCacheMixin
from tasker.ratelimit import RateLimitMixin, allow

from . import registry
from .data import account_delete, account_deletion_refusal, account_export
from .email_services import email_verify_send, password_changed_notify
from .forms import AccountDeleteForm, LoginForm, PasswordChangeForm, ProfileForm, SignupForm
from .models import User
from .photos import user_photo_set
from .registry import AccountDeletionRefused
from .throttle import unlock_account


class SignupView(RateLimitMixin, CreateView):
    ratelimit_scope = "signup"
    form_class = SignupForm
    template_name = "accounts/signup.html"
    success_url = reverse_lazy("marketplace:dashboard")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("marketplace:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        login(self.request, self.object, backend="accounts.backends.EmailOrUsernameBackend")
        email_verify_send(user=self.object)
        # The banner on every page asks for the confirmation (partials/_verify_email_banner.html).
        messages.success(self.request, f"Welcome to Tasker, {self.object.name}! You are signed in.")
        return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        messages.success(self.request, f"Signed in as {form.get_user().name}.")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """POST signs out; GET (e.g. a link followed after signing in again) asks first."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("home")
        return render(request, "registration/logout_confirm.html")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have been signed out.")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile_edit")
    success_message = "Your password was changed. Your other sessions have been signed out."

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_notify(user=form.user)
        return response


class PasswordResetView(RateLimitMixin, SuccessMessageMixin, auth_views.PasswordResetView):
    ratelimit_scope = "password_reset"  # per address asking
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    success_message = "If an account uses that email, a reset link is on its way."

    def form_valid(self, form):
        # Links name SITE_URL, never the Host header a request claims.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        # A few emails an hour per address asked for, whether an account uses it or not,
        # and the same page either way: nobody can flood a mailbox or learn who has one.
        email = form.cleaned_data["email"].lower()
        if not allow(self.request, "password_reset_account", who=email):
            messages.success(self.request, self.get_success_message(form.cleaned_data))
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = True
    post_reset_login_backend = "accounts.backends.EmailOrUsernameBackend"

    def form_valid(self, form):
        # Whoever opened the link owns the mailbox: failed sign-ins no longer hold them back.
        unlock_account(form.user.username)
        return super().form_valid(form)


class ProfileEditView(LoginRequiredMixin, SuccessMessageMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile_form.html"
    success_url = reverse_lazy("accounts:profile_edit")
    success_message = "Your profile was saved."

    def get_object(self, queryset=None) -> User:
        return self.request.user

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("photo"):
            user_photo_set(user=self.object, image=form.cleaned_data["photo"])
        elif form.cleaned_data.get("remove_photo"):
            user_photo_set(user=self.object, image=None)
        return response


class ProfileView(PageCacheMixin, DetailView):
    template_name = "accounts/profile.html"
    context_object_name = "profile"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A link to a deleted account (from an old agreement, review or message) says
            # so, and shows nothing of who it was.
            if User.objects.filter(username=kwargs["username"], deleted_at__isnull=False).exists():
                return TemplateResponse(request, "accounts/profile_deleted.html", status=410)
            raise

    def get_object(self, queryset=None) -> User:
        # What the profile shows of other apps (reputation, reviews) comes from their
        # registered parts: accounts imports no other app.
        users = User.objects.filter(is_active=True, username=self.kwargs["username"])
        for part in registry.profile_parts():
            users = users.annotate(**part.annotations())
        return get_object_or_404(users)

    def get_context_data(self, **kwargs):
        for part in registry.profile_parts():
            kwargs.update(part.context(self.object, self.request))
        return super().get_context_data(**kwargs)


# --- Your data ---


class DataExportView(LoginRequiredMixin, TemplateView):
    """Settings → Your data: what the download holds, and the way to delete the account."""

    template_name = "accounts/data_export.html"


class DataDownloadView(LoginRequiredMixin, View):
    """Send everything the site holds about the signed-in user as one JSON file."""

    def get(self, request, *args, **kwargs):
        user = request.user
        # Compact: indenting would push the encoding through Python's slow path, doubling
        # the time for a large account; browsers and editors lay JSON out when asked.
        body = json.dumps(account_export(user), cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"tasker-data-{user.username}-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        # Personal data: never kept by a browser cache or a proxy.
        patch_cache_control(response, private=True, no_store=True)
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """GET: what deleting the account does, and the password form. POST: delete it."""

    form_class = AccountDeleteForm
    template_name = "accounts/account_delete.html"
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        refusal = account_deletion_refusal(self.request.user)
        return super().get_context_data(refusal=refusal, **kwargs)

    def form_valid(self, form):
        try:
            account_delete(user=self.request.user)
        except AccountDeletionRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        logout(self.request)
        messages.success(
            self.request,
            "Your account has been deleted and you have been signed out everywhere. "
            "Thank you for using Tasker.",
        )
        return redirect(self.get_success_url())

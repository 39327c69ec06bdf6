from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.views.generic import CreateView, DetailView, UpdateView

from marketplace.models import Review
from marketplace.selectors import user_with_reputation
from tasker.ratelimit import RateLimitMixin, allow

from .email_services import email_verify_send, password_changed_notify
from .forms import LoginForm, PasswordChangeForm, ProfileForm, SignupForm
from .models import User
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


class ProfileView(DetailView):
    template_name = "accounts/profile.html"
    context_object_name = "profile"

    def get_object(self, queryset=None) -> User:
        return get_object_or_404(user_with_reputation(self.kwargs["username"]))

    def get_context_data(self, **kwargs):
        reviews = (
            Review.objects.visible()
            .filter(subject=self.object)
            .select_related("author", "subject", "agreement")
        )
        page = Paginator(reviews, 10).get_page(self.request.GET.get("page"))
        return super().get_context_data(reviews=page, page_obj=page, **kwargs)

"""Changing the email address and confirming an address from the emailed link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import FormView

from tasker.errors import DomainError
from tasker.ratelimit import RateLimitMixin, allow

from .email_services import (
    email_change_request,
    email_confirm,
    email_confirm_read,
    email_verify_send,
)
from .forms import EmailChangeForm


class EmailChangeView(LoginRequiredMixin, RateLimitMixin, FormView):
    ratelimit_scope = "email_change"
    form_class = EmailChangeForm
    template_name = "accounts/email_change.html"
    success_url = reverse_lazy("accounts:profile_edit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        new_email = form.cleaned_data["email"]
        email_change_request(user=self.request.user, new_email=new_email)
        messages.success(
            self.request,
            f"We sent a link to {new_email}. Your address changes when you open it; until "
            f"then we keep writing to {self.request.user.email}.",
        )
        return super().form_valid(form)


class EmailConfirmView(View):
    """GET shows what the link confirms; POST confirms. The signed link is the proof, so
    it works signed in as anyone or not at all."""

    template_name = "accounts/email_confirm.html"

    def get(self, request, token):
        try:
            account, email = email_confirm_read(token)
        except DomainError as error:
            return render(request, self.template_name, {"error": str(error)})
        return render(request, self.template_name, {"account": account, "email": email})

    def post(self, request, token):
        try:
            account = email_confirm(token=token)
        except DomainError as error:
            return render(request, self.template_name, {"error": str(error)})
        messages.success(request, f"Your email address is confirmed: {account.email}.")
        if request.user.is_authenticated and request.user.pk == account.pk:
            return redirect("accounts:profile_edit")
        return redirect("accounts:login")


class EmailVerifyResendView(LoginRequiredMixin, View):
    """Send the confirmation link for the current address again: GET asks, POST sends."""

    def get(self, request):
        if request.user.email_verified:
            messages.info(request, f"Your address {request.user.email} is already confirmed.")
            return redirect("accounts:profile_edit")
        return render(request, "accounts/email_verify_resend.html")

    def post(self, request):
        user = request.user
        if user.email_verified:
            messages.info(request, f"Your address {user.email} is already confirmed.")
        elif not allow(request, "email_verify"):
            return render(request, "429.html", status=429)
        else:
            email_verify_send(user=user)
            hours = settings.EMAIL_CONFIRM_MAX_AGE // 3600
            messages.success(
                request, f"We sent a new link to {user.email}. It works for {hours} hours."
            )
        return redirect("accounts:profile_edit")

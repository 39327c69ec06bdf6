"""Staff set up and use their second factor here before the admin opens."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import devices_for_user
from django_otp import login as otp_login

from tasker.ratelimit import RateLimitMixin

from .forms import ErrorSummaryTakesFocus
from .two_factor import (
    base32_secret,
    has_app,
    new_key,
    qr_code_data_uri,
    setup_device,
    two_factor_enable,
    two_factor_url,
)

SESSION_KEY = "two_factor_setup_key"


class CodeForm(ErrorSummaryTakesFocus, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class StaffTwoFactorMixin(LoginRequiredMixin, RateLimitMixin):
    ratelimit_scope = "two_factor"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(url, {self.request.get_host()}, require_https=False):
            return url
        return reverse("admin:index")

    def has_device(self) -> bool:
        return has_app(self.request.user)


class TwoFactorSetupView(StaffTwoFactorMixin, View):
    """Show a QR code for a new TOTP secret; a matching code turns it on."""

    template_name = "accounts/two_factor_setup.html"

    def get(self, request):
        if self.has_device():
            return redirect(two_factor_url(request.user, self.next_url()))
        return self.page(CodeForm())

    def post(self, request):
        if self.has_device():
            return redirect(two_factor_url(request.user, self.next_url()))
        form = CodeForm(request.POST)
        key = request.session.get(SESSION_KEY)
        if not form.is_valid() or key is None:
            return self.page(form)
        try:
            device, codes = two_factor_enable(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValueError as error:
            form.add_error("code", str(error))
            return self.page(form)
        del request.session[SESSION_KEY]
        otp_login(request, device)
        return render(
            request,
            "accounts/two_factor_codes.html",
            {"codes": codes, "next_url": self.next_url()},
        )

    def page(self, form):
        # The secret waits in the session until a code proves the app holds it.
        key = self.request.session.setdefault(SESSION_KEY, new_key())
        device = setup_device(self.request.user, key)
        context = {
            "form": form,
            "qr_code": qr_code_data_uri(device.config_url),
            "secret": base32_secret(key),
            "next_url": self.next_url(),
        }
        return render(self.request, self.template_name, context)


class TwoFactorVerifyView(StaffTwoFactorMixin, View):
    """Ask for a code from the app, or a recovery code."""

    template_name = "accounts/two_factor_verify.html"

    def get(self, request):
        if not self.has_device():
            return redirect(two_factor_url(request.user, self.next_url()))
        return self.page(CodeForm())

    def post(self, request):
        if not self.has_device():
            return redirect(two_factor_url(request.user, self.next_url()))
        form = CodeForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"].strip().replace(" ", "")
            # Each device limits its own failures (django-otp's throttling).
            for device in devices_for_user(request.user, for_verify=True):
                if device.verify_token(code):
                    otp_login(request, device)
                    return redirect(self.next_url())
            form.add_error(
                "code",
                "That code is not right. Use the newest code from your app, or one of your "
                "recovery codes. After several wrong codes, wait a little before trying again.",
            )
        return self.page(form)

    def page(self, form):
        return render(self.request, self.template_name, {"form": form, "next_url": self.next_url()})

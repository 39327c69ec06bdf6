"""A second factor for staff: a TOTP app set up from a QR code, and recovery codes.

The admin (accounts/admin_site.py) opens only to a session verified here.
"""

import base64
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .models import User

RECOVERY_CODES = 10


def has_app(user: User) -> bool:
    """Whether the user has an authenticator app set up (recovery codes alone do not count:
    they are for signing in while the app is lost, not instead of it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_url(user: User, next_url: str = "") -> str:
    """Where a staff member goes for the second factor: set up a device, or enter a code."""
    name = "verify" if has_app(user) else "setup"
    url = reverse(f"accounts:two_factor_{name}")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def new_key() -> str:
    """A new TOTP secret, hex as django-otp stores it."""
    return random_hex(20)


def setup_device(user: User, key: str) -> TOTPDevice:
    """An unsaved device for showing the QR code of `key`."""
    return TOTPDevice(user=user, name="Authenticator app", key=key)


def qr_code_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data: URI (the CSP allows data: images only)."""
    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def base32_secret(key: str) -> str:
    """The secret as authenticator apps take it when typed, in groups of four."""
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_matches(key: str, code: str) -> int | None:
    """Return the time step a code from `key` is valid for (a step either side), or None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6, drift=0)
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def two_factor_enable(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Make `key` the user's TOTP device if `code` comes from it; add recovery codes.

    Return the device and the recovery codes (shown once), or raise ValueError.
    """
    step = code_matches(key, code)
    if step is None:
        raise ValueError(
            "That code does not match. Check the app shows Tasker and try the newest code."
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=step
    )
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return device, codes


def totp_code(device: TOTPDevice) -> str:
    """The code `device`'s app shows right now (for the demo's staff account)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"

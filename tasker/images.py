"""Uploaded images, checked and re-encoded on the server whatever the browser said.

Shared by the task photos (marketplace) and the profile pictures (accounts). An upload is
opened with Pillow and must really be a JPEG, PNG or WebP; its size and pixel count are
checked before its pixels are decoded (a decompression bomb is a form error, never a stuck
worker); then it is decoded, turned the way its EXIF orientation says, and written afresh,
so EXIF (GPS position included), comments and anything after the image data are gone. The
stored name is random.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# What Pillow calls each accepted format, and the extension the stored file gets: the
# front server (nginx, or S3) derives the Content-Type from it.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# Stored photos are at most this long on their long side: enough for any page, and a
# 40-megapixel upload does not become a 40-megapixel file for every visitor.
STORED_SIDE = 2400
ACCEPT = "image/jpeg,image/png,image/webp"  # the file input's hint; the server decides
HINT = "JPEG, PNG or WebP, at most 10 MB and 40 megapixels each."


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image, ready to save under `name`."""

    content: ContentFile
    name: str
    width: int
    height: int


def _refuse(message: str, code: str, name: str) -> forms.ValidationError:
    return forms.ValidationError(message, code=code, params={"name": name})


def _opened(upload) -> Image.Image:
    """The upload opened by Pillow (header only), or a ValidationError saying why not."""
    name = getattr(upload, "name", "") or "the file"
    if upload.size > MAX_BYTES:
        raise _refuse(
            f"“%(name)s” is {filesizeformat(upload.size)}; a photo may be at most "
            f"{filesizeformat(MAX_BYTES)}.",
            "too_large",
            name,
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except Exception:  # Pillow raises many kinds for what is not an image it reads
        raise _refuse(
            "“%(name)s” is not a JPEG, PNG or WebP photo. Choose a photo in one of those formats.",
            "not_an_image",
            name,
        ) from None
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(name)
    return image


def _too_many_pixels(name: str) -> forms.ValidationError:
    return _refuse(
        f"“%(name)s” has too many pixels; a photo may have at most "
        f"{MAX_PIXELS // 1_000_000} megapixels. Make it smaller and try again.",
        "too_many_pixels",
        name,
    )


def clean_image(upload, *, square: int | None = None) -> CleanImage:
    """Check `upload` and return it re-encoded, without metadata, under a random name.

    With `square`, the image is cropped to a centred square of that side (a profile
    picture). Raise forms.ValidationError (codes too_large, not_an_image,
    too_many_pixels, broken) for anything else.
    """
    image = _opened(upload)
    name = getattr(upload, "name", "") or "the file"
    kind = image.format
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
    except Exception:  # truncated or corrupt pixel data
        raise _refuse(
            "“%(name)s” is damaged or incomplete and cannot be read. Choose another photo.",
            "broken",
            name,
        ) from None
    if square:
        image = ImageOps.fit(image, (square, square), Image.Resampling.LANCZOS)
    else:
        image.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    ext = FORMATS[kind]
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    image.info = {}  # nothing of the upload's metadata is written back
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if kind in ("JPEG", "WEBP") else {}
    image.save(out, format=kind, **options)
    return CleanImage(
        content=ContentFile(out.getvalue()),
        name=f"{uuid.uuid4().hex}.{ext}",
        width=image.width,
        height=image.height,
    )


def move_file(name: str, *, source: Storage, target: Storage) -> str:
    """Copy the file `name` from one storage to the other under a new random name, delete
    the original, and return the new name (the old address stops working at once)."""
    ext = name.rsplit(".", 1)[-1]
    folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
    with source.open(name, "rb") as handle:
        new = target.save(f"{folder}{uuid.uuid4().hex}.{ext}", ContentFile(handle.read()))
    source.delete(name)
    return new

"""Image files for the photo tests, made with Pillow: real photos, and the bad ones."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# EXIF tags: GPSInfo's IFD, and the orientation.
GPS_IFD = 0x8825
ORIENTATION = 0x0112
GPS = {1: "N", 2: (53.0, 57.0, 30.0), 3: "W", 4: (1.0, 4.0, 50.0)}  # near York


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (80, 60),
    *,
    gps: bool = False,
    orientation: int | None = None,
    colour: str = "teal",
    trailing: bytes = b"",
) -> bytes:
    """An image in `fmt`, with EXIF GPS position and orientation if asked, and anything
    appended after its data."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if gps:
        exif[GPS_IFD] = GPS
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    options = {"exif": exif.tobytes()} if (gps or orientation) else {}
    image.save(out, format=fmt, **options)
    return out.getvalue() + trailing


def upload(name: str = "wardrobe.jpg", content: bytes | None = None, content_type="image/jpeg"):
    """A file as a browser uploads it."""
    return SimpleUploadedFile(
        name, image_bytes() if content is None else content, content_type=content_type
    )


def has_exif(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif()) or "exif" in image.info


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()


def huge_png_bytes() -> bytes:
    """A 20,000 x 20,000 PNG (400 megapixels) that compresses to a few hundred kilobytes."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG", optimize=False)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = image_bytes(size=(400, 300))
    return data[: len(data) // 2]


def eleven_megabytes() -> bytes:
    """A real JPEG padded past 10 MB."""
    return image_bytes(trailing=b"\0" * (11 * 1024 * 1024))

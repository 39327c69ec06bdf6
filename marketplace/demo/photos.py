"""Demo photos, drawn with Pillow: a few tasks show the job, a few people a picture.

Drawn rather than committed, so the repository holds no binary files; each goes through
the same checks and re-encoding as an upload (tasker.images) and the same services.
"""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import User
from accounts.photos import STORED_SIDE, user_photo_set
from tasker.images import CleanImage, clean_image

from .. import services
from ..models import Task

SIZE = (960, 720)
WOOD, WALL, FLOOR, GRASS, SKY = "#b98b5a", "#e9e4da", "#a98467", "#6a994e", "#a9d6e5"


def wardrobe(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 540, 960, 720), fill=FLOOR)
    draw.rectangle((250, 90, 710, 560), fill="#f4f1ea", outline="#6c584c", width=6)
    draw.line((480, 90, 480, 560), fill="#6c584c", width=6)
    for x in (455, 505):
        draw.rectangle((x, 300, x + 10, 360), fill="#6c584c")


def boxes(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 520, 960, 720), fill=FLOOR)
    for _ in range(7):
        x, y, w = rng.randint(60, 760), rng.randint(300, 460), rng.randint(120, 200)
        draw.rectangle((x, y, x + w, y + w * 3 // 4), fill="#c8a97e", outline="#7f5539", width=4)
        draw.line((x + w // 2, y, x + w // 2, y + w * 3 // 4), fill="#e6ccb2", width=8)


def fence(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, 960, 420), fill=SKY)
    draw.rectangle((0, 420, 960, 720), fill=GRASS)
    for x in range(20, 960, 70):
        shade = rng.choice(("#9c6644", "#7f5539", "#b08968"))
        draw.polygon([(x, 560), (x, 240), (x + 28, 210), (x + 56, 240), (x + 56, 560)], fill=shade)
    draw.rectangle((0, 300, 960, 322), fill="#6f4518")
    draw.rectangle((0, 480, 960, 502), fill="#6f4518")


def _garden(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, 960, 300), fill=SKY)
    draw.rectangle((0, 300, 960, 720), fill=GRASS)
    for _ in range(90):
        x, y = rng.randint(0, 940), rng.randint(320, 700)
        colour = rng.choice(("#bc6c25", "#dda15e", "#9b2226", "#ca6702"))
        draw.ellipse((x, y, x + 22, y + 14), fill=colour)


def _shelves(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, 960, 720), fill=WALL)
    for y in (200, 360, 520):
        draw.rectangle((180, y, 780, y + 18), fill=WOOD)
    draw.ellipse((380, 30, 580, 170), outline="#8d99ae", width=10)


DRAWINGS = {
    "Assemble an IKEA PAX wardrobe with sliding doors": [
        (wardrobe, "The wardrobe as it should look, two metres tall"),
        (boxes, "The flat-pack boxes, unopened, in the bedroom"),
    ],
    "Help moving a sofa and 20 boxes to a third-floor flat": [
        (boxes, "About twenty boxes, packed and taped"),
    ],
    "Paint a garden fence (about 20 metres)": [
        (fence, "The fence along the back of the garden"),
        (_garden, "The lawn in front of the fence"),
    ],
    "Mow the lawn and trim the hedges": [(_garden, "The lawn, overgrown since spring")],
    "Hang three shelves and a large mirror": [
        (_shelves, "Where the shelves and the mirror go, on the living-room wall"),
    ],
    "Weed and mulch the flower beds": [(_garden, "The flower beds along the path")],
}

PICTURES = {  # demo people with a picture; the others keep their initials
    "demo-tasker": "#588157",
    "demo-tasker-2": "#9d4edd",
    "demo-customer-2": "#e76f51",
}


def _upload(image: Image.Image, name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def drawing(paint, seed: str) -> CleanImage:
    """One drawn photo (a painter of DRAWINGS), checked and re-encoded like an upload."""
    image = Image.new("RGB", SIZE, WALL)
    paint(ImageDraw.Draw(image), random.Random(seed))  # noqa: S311 - a picture, not a secret
    return clean_image(_upload(image, "drawing.jpg"))


def face(colour: str) -> CleanImage:
    """A drawn head and shoulders, cropped square like an uploaded profile picture."""
    image = Image.new("RGB", (STORED_SIDE, STORED_SIDE), "#edf2f4")
    draw = ImageDraw.Draw(image)
    draw.ellipse((56, 330, 456, 730), fill=colour)
    draw.ellipse((156, 90, 356, 310), fill="#e0b896")
    draw.pieslice((146, 70, 366, 260), 180, 360, fill="#3d2b1f")
    return clean_image(_upload(image, "me.jpg"), square=STORED_SIDE)


def add_task_photos(task: Task, by: User) -> int:
    """Give a demo task its drawn photos, if it has any; return how many."""
    drawings = DRAWINGS.get(task.title, [])
    images = [drawing(paint, f"{task.title}{n}") for n, (paint, _) in enumerate(drawings)]
    photos = services.photos_add(task=task, by=by, images=images)
    for photo, (_, description) in zip(photos, drawings, strict=True):
        photo.description = description
        photo.save(update_fields=["description"])
    return len(photos)


def add_profile_pictures(users: dict[str, User]) -> None:
    """A simple drawn head and shoulders for a few demo people."""
    for username, colour in PICTURES.items():
        user_photo_set(user=users[username], image=face(colour))

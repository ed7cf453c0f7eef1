"""Camera photos for the demo's stays: a car at a barrier with its plate readable, drawn with Pillow.

The demo's history points every camera event at `<api>/media/anpr/<variant>/<plate>.jpg`. The demo's
API answers that path (`install_anpr_media`, added by `backend.demo.run` to the demo's app only, so
the product API has no such route): the photo is drawn on first request from one of twelve scenes
(even variants an entry lane seen from the front, odd ones an exit lane seen from behind; colours
and light vary) with the plate in the URL on it, then kept under `<PARKFLOW_DATA_DIR>/anpr/` and
served from there. Drawing each plate on its scene, rather than showing one of a dozen fixed
photos, lets the timeline's photo show the stay's real plate, which is how an operator spots a
misread. The response allows any origin: the Flet web client loads images with fetch.
"""

import asyncio
import hashlib
import random
import re
from functools import cache
from io import BytesIO
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from shared.plates import InvalidPlateError, normalize_plate

WIDTH, HEIGHT = 640, 360
VARIANTS = 12
MEDIA_PATH = "/media/anpr"
_FINNISH = re.compile(r"^[A-ZÅÄÖ]{1,3}-\d{1,3}$")
_CAR_COLOURS = (
    (40, 44, 52), (200, 200, 205), (150, 20, 28), (25, 60, 120), (235, 235, 230), (90, 95, 100),
)  # fmt: skip
_SKIES = (((58, 62, 70), (95, 98, 104)), ((30, 33, 40), (70, 72, 80)), ((120, 140, 165), (170, 175, 180)))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def render(plate: str, variant: int) -> bytes:
    """A 640x360 JPEG of a car with `plate` on it, in scene `variant` (0..11)."""
    rng = random.Random(variant)  # noqa: S311 - scenery, not secrets
    rear = variant % 2 == 1
    top, bottom = _SKIES[variant % len(_SKIES)]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            [(0, y), (WIDTH, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    _lane(draw, rng)
    colour = _CAR_COLOURS[(variant // 2) % len(_CAR_COLOURS)]
    shift = rng.randrange(-40, 41)
    _car(draw, colour, shift, rear)
    _plate(draw, plate, WIDTH // 2 + shift, 262)
    _caption(draw, f"{'EXIT' if rear else 'ENTRY'} LANE {variant // 4 + 1}  CAM {variant + 1:02d}")
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    out = BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def _lane(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    floor = (68, 70, 72)
    draw.polygon([(0, 200), (WIDTH, 200), (WIDTH, HEIGHT), (0, HEIGHT)], fill=floor)
    for x in (90, 550):  # lane edges in perspective
        draw.line([(WIDTH // 2 + (x - WIDTH // 2) // 3, 200), (x, HEIGHT)], fill=(210, 190, 60), width=4)
    for x in (20, 560):  # concrete pillars
        draw.rectangle([x, 40, x + 60, 205], fill=(120 + rng.randrange(20), 118, 112))
    draw.rectangle([0, 0, WIDTH, 38], fill=(45, 45, 48))  # the ceiling
    for x in range(60, WIDTH, 160):
        draw.rectangle([x, 30, x + 70, 36], fill=(235, 235, 215))  # strip lights
    # The barrier arm.
    draw.rectangle([40, 150, 300, 160], fill=(230, 230, 230))
    for x in range(60, 300, 40):
        draw.rectangle([x, 150, x + 20, 160], fill=(200, 30, 30))


def _car(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int], shift: int, rear: bool) -> None:
    cx = WIDTH // 2 + shift
    dark = tuple(max(0, c - 35) for c in colour)
    draw.ellipse([cx - 190, 300, cx + 190, 335], fill=(30, 30, 30))  # shadow
    for wx in (cx - 165, cx + 115):
        draw.rounded_rectangle([wx, 270, wx + 50, 325], radius=10, fill=(20, 20, 20))  # tyres
    draw.polygon([(cx - 130, 180), (cx + 130, 180), (cx + 170, 225), (cx - 170, 225)], fill=dark)  # roof
    glass = (35, 45, 60) if not rear else (25, 30, 38)
    draw.polygon([(cx - 115, 186), (cx + 115, 186), (cx + 150, 222), (cx - 150, 222)], fill=glass)
    draw.rounded_rectangle([cx - 190, 222, cx + 190, 310], radius=22, fill=colour)  # body
    lamp = (255, 245, 210) if not rear else (200, 25, 25)
    draw.rounded_rectangle([cx - 178, 236, cx - 108, 258], radius=8, fill=lamp)
    draw.rounded_rectangle([cx + 108, 236, cx + 178, 258], radius=8, fill=lamp)
    if not rear:
        draw.rounded_rectangle([cx - 90, 236, cx + 90, 252], radius=6, fill=(25, 25, 25))  # grille
    draw.rectangle([cx - 190, 295, cx + 190, 310], fill=dark)  # bumper


def _plate(draw: ImageDraw.ImageDraw, plate: str, cx: int, cy: int) -> None:
    text = plate.upper()
    finnish = bool(_FINNISH.match(text))
    w, h = 200, 50
    box = [cx - w // 2, cy - h // 2, cx + w // 2, cy + h // 2]
    draw.rounded_rectangle(box, radius=6, fill=(250, 250, 247), outline=(20, 20, 20), width=3)
    left = box[0] + 6
    if finnish:
        draw.rectangle([box[0] + 3, box[1] + 3, box[0] + 24, box[3] - 3], fill=(20, 60, 170))
        draw.text((box[0] + 13, box[3] - 14), "FIN", font=_font(10), fill="white", anchor="mm")
        left = box[0] + 26
    else:
        draw.text((cx, box[1] + 8), "OHIO", font=_font(11), fill=(20, 60, 150), anchor="mm")
    size = 36 if finnish else 32
    font = _font(size)
    while size > 14 and draw.textlength(text, font=font) > box[2] - left - 8:
        size -= 2
        font = _font(size)
    centre = ((left + box[2]) // 2, cy + (2 if finnish else 6))
    draw.text(centre, text, font=font, fill=(15, 15, 15), anchor="mm")


def _caption(draw: ImageDraw.ImageDraw, text: str) -> None:
    draw.rectangle([0, HEIGHT - 22, WIDTH, HEIGHT], fill=(0, 0, 0))
    draw.text((8, HEIGHT - 11), text, font=_font(13), fill=(230, 230, 230), anchor="lm")


def photo_path(directory: Path, plate: str, variant: int) -> Path:
    digest = hashlib.sha256(plate.encode()).hexdigest()[:20]
    return directory / f"{variant:02d}" / f"{digest}.jpg"


async def photo(directory: Path, plate: str, variant: int) -> bytes:
    """The photo from the cache directory, drawn (in a thread) and stored on first request."""
    path = photo_path(directory, plate, variant)
    if path.is_file():
        return path.read_bytes()
    data = await asyncio.to_thread(render, plate, variant)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
    return data


def install_anpr_media(app: FastAPI, directory: Path) -> None:
    """Serve `/media/anpr/<variant>/<plate>.jpg` from the demo's data directory (see module doc)."""
    headers = {"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"}

    @app.get(MEDIA_PATH + "/{variant}/{name}", include_in_schema=False)
    async def anpr_photo(variant: str, name: str) -> Response:
        plate = name.removesuffix(".jpg")
        try:
            number = int(variant)
            valid = name.endswith(".jpg") and 0 <= number < VARIANTS and normalize_plate(plate)
        except (ValueError, InvalidPlateError):
            valid = False
        if not valid:
            return Response(status_code=404, headers=headers)
        return Response(await photo(directory, plate, number), media_type="image/jpeg", headers=headers)

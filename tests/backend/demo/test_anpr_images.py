"""The camera photos of the demo's stays: drawn per plate, served by the demo's API only."""

from io import BytesIO
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image, ImageChops

from backend.demo.anpr_images import install_anpr_media, photo_path, render
from backend.demo.run import demo_services
from backend.main import create_app
from tests.backend.conftest import make_settings


def _image(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_a_photo_is_a_640x360_jpeg_whose_plate_area_shows_the_plate() -> None:
    first, other, rear = render("YLH-371", 0), render("KEO-432", 0), render("YLH-371", 1)
    image = _image(first)
    assert (image.format, image.size) == ("JPEG", (640, 360))
    difference = ImageChops.difference(image.convert("L"), _image(other).convert("L")).getbbox()
    assert difference is not None
    left, top, right, bottom = difference
    # Only the plate differs.
    assert left >= 200
    assert right <= 440
    assert top >= 230
    assert bottom <= 295
    assert first != rear  # an exit lane is another scene
    assert render("JXK 4821", 6) == render("JXK 4821", 6)


@pytest.fixture
def media(tmp_path: Path) -> tuple[httpx.AsyncClient, Path]:
    app = FastAPI()
    install_anpr_media(app, tmp_path / "anpr")
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://demo.test"
    ), tmp_path / "anpr"


async def test_the_route_draws_a_photo_once_and_serves_it_to_any_origin(media) -> None:
    http, directory = media
    async with http:
        first = await http.get("/media/anpr/03/JXK%204821.jpg")
        assert first.status_code == 200
        assert first.headers["content-type"] == "image/jpeg"
        assert first.headers["access-control-allow-origin"] == "*"
        assert _image(first.content).size == (640, 360)
        cached = photo_path(directory, "JXK 4821", 3)
        assert cached.read_bytes() == first.content
        cached.write_bytes(b"kept")  # the second request is served from the cache, not drawn again
        again = await http.get("/media/anpr/03/JXK%204821.jpg")
        assert again.content == b"kept"


@pytest.mark.parametrize(
    "path",
    ["/media/anpr/12/ABC-123.jpg", "/media/anpr/-1/ABC-123.jpg", "/media/anpr/xx/ABC-123.jpg",
     "/media/anpr/00/ABC-123.png", "/media/anpr/00/%21%21.jpg", "/media/anpr/00/" + "A" * 30 + ".jpg"],
)  # fmt: skip
async def test_anything_else_under_the_path_is_a_404(media, path: str) -> None:
    http, directory = media
    async with http:
        assert (await http.get(path)).status_code == 404
    assert not directory.exists()


def test_only_the_demo_api_serves_photos(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite://{tmp_path / 'demo.sqlite3'}", data_dir=tmp_path)
    api = demo_services(settings, port=18000, apps_port=18550)[0].server.config.app
    paths = {getattr(route, "path", None) for route in api.routes}
    assert "/media/anpr/{variant}/{name}" in paths
    assert "/media/anpr/{variant}/{name}" not in {
        getattr(r, "path", None) for r in create_app(settings).routes
    }
    assert "/media/anpr/{variant}/{name}" not in api.openapi()["paths"]

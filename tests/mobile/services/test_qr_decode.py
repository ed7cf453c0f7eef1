"""Reading the code off a photo of a sign: clean, rotated, blurred, JPEG'd, skewed — or no code at all."""

import io
import sys

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from backend.qr.render import render_png
from mobile.services.qr_decode import (
    ImageQrDecoder,
    NoQrDecoderError,
    UnreadableImageError,
    decode_qr,
    decode_with_opencv,
    decode_with_zxing,
)
from shared.qr import make_sign_payload

PAYLOAD = make_sign_payload(
    "http://127.0.0.1:8550/driver", "kamppi-p1", "1234", "k0", b"mobile-test-key-0123456789abcdef"
)


@pytest.fixture(scope="module")
def sign() -> Image.Image:
    """The sign as the backend renders it for printing, 600 px wide."""
    return Image.open(io.BytesIO(render_png(PAYLOAD, "1234", "Kamppi P1", 600))).convert("RGB")


def encoded(image: Image.Image, image_format: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def photographed(sign: Image.Image) -> Image.Image:
    """The sign on a grey wall, a bit small in the frame, with sensor noise."""
    rng = np.random.default_rng(7)
    wall = Image.new("RGB", (1400, 1100), (128, 124, 118))
    wall.paste(sign.resize((480, round(480 * sign.height / sign.width))), (380, 200))
    pixels = np.asarray(wall).astype(np.int16) + rng.normal(0, 12, (1100, 1400, 3)).astype(np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def skewed(sign: Image.Image) -> Image.Image:
    """Seen from below and to the side (a perspective warp)."""
    w, h = sign.size
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[60, 30], [w - 20, 0], [w - 50, h - 10], [20, h - 60]])
    warped = cv2.warpPerspective(
        np.asarray(sign), cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=(255, 255, 255)
    )
    return Image.fromarray(warped)


def test_a_rendered_sign_decodes_to_its_payload(sign: Image.Image) -> None:
    assert decode_qr(encoded(sign)) == [PAYLOAD]


@pytest.mark.parametrize(
    "degrade",
    [
        pytest.param(lambda s: s.rotate(33, expand=True, fillcolor="white"), id="rotated"),
        pytest.param(lambda s: s.rotate(180), id="upside-down"),
        pytest.param(lambda s: s.filter(ImageFilter.GaussianBlur(2.5)), id="blurred"),
        pytest.param(lambda s: s.resize((220, round(220 * s.height / s.width))), id="small"),
        pytest.param(photographed, id="photographed"),
        pytest.param(skewed, id="skewed"),
    ],
)
def test_a_degraded_sign_still_decodes(sign: Image.Image, degrade) -> None:
    assert decode_qr(encoded(degrade(sign))) == [PAYLOAD]


def test_a_heavily_compressed_jpeg_decodes(sign: Image.Image) -> None:
    jpeg = encoded(sign.filter(ImageFilter.GaussianBlur(1)), "JPEG", quality=15)
    assert jpeg[:3] == b"\xff\xd8\xff"
    assert decode_qr(jpeg) == [PAYLOAD]


def test_a_code_on_a_transparent_background_decodes(sign: Image.Image) -> None:
    gray = sign.convert("L")
    transparent = Image.new("RGBA", sign.size, (0, 0, 0, 0))
    transparent.putalpha(gray.point(lambda v: 255 - v))  # black where the code is, clear elsewhere
    assert decode_qr(encoded(transparent)) == [PAYLOAD]


def test_a_picture_without_a_code_gives_nothing() -> None:
    rng = np.random.default_rng(3)
    street = Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8))
    ImageDraw.Draw(street).text((40, 40), "Zone 1234", fill="white")
    assert decode_qr(encoded(street)) == []
    assert decode_qr(encoded(Image.new("RGB", (300, 300), "white"), "JPEG")) == []


def test_bytes_that_are_not_a_picture_are_refused_clearly() -> None:
    for junk in (b"", b"not a picture", b"\x89PNG\r\n\x1a\n broken"):
        with pytest.raises(UnreadableImageError, match="picture"):
            decode_qr(junk)


def test_opencv_alone_decodes_a_sign(sign: Image.Image) -> None:
    assert decode_with_opencv(encoded(sign)) == [PAYLOAD]
    assert decode_with_opencv(encoded(sign.rotate(90, expand=True), "JPEG", quality=60)) == [PAYLOAD]
    assert decode_with_opencv(encoded(Image.new("RGB", (200, 200), "white"))) == []
    with pytest.raises(UnreadableImageError):
        decode_with_opencv(b"not a picture")


def test_without_zxing_cpp_opencv_takes_over(sign: Image.Image, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zxingcpp", None)  # `import zxingcpp` now raises ImportError
    assert decode_with_zxing(encoded(sign)) is None
    assert decode_qr(encoded(sign)) == [PAYLOAD]


def test_without_any_decoder_the_error_says_what_to_install(
    sign: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "zxingcpp", None)
    monkeypatch.setitem(sys.modules, "cv2", None)
    with pytest.raises(NoQrDecoderError, match="zxing-cpp or opencv"):
        decode_qr(encoded(sign))


def test_two_codes_in_one_picture_are_both_read(sign: Image.Image) -> None:
    other = make_sign_payload(
        "http://127.0.0.1:8550/driver", "hakaniementori", "1250", "k0", b"mobile-test-key-0123456789abcdef"
    )
    second = Image.open(io.BytesIO(render_png(other, "1250", "Hakaniementori", 600))).convert("RGB")
    both = Image.new("RGB", (1240, sign.height), "white")
    both.paste(sign, (0, 0))
    both.paste(second, (640, 0))
    assert sorted(decode_qr(encoded(both))) == sorted([PAYLOAD, other])


async def test_the_app_decoder_runs_off_the_ui_thread(sign: Image.Image) -> None:
    assert await ImageQrDecoder().decode(encoded(sign)) == [PAYLOAD]

"""A facility's sign as operators print it: the signed QR code, "Zone 1234" large under it, the
facility's name smaller. PNG (print resolution) and SVG (scales to any size).

Error correction Q (a quarter of the code may be dirty, scratched or glared) and the standard quiet
zone of four modules, which scanners need to find the code.
"""

import io
import xml.etree.ElementTree as ET  # building only; nothing untrusted is parsed here

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.image.svg import SvgPathImage

QUIET_ZONE_MODULES = 4
DEFAULT_PNG_SIZE = 1200
MIN_PNG_SIZE = 300
MAX_PNG_SIZE = 4000
PRINT_DPI = 300
SVG_WIDTH_MM = 100
# Text sizes as a share of the sign's width.
_ZONE_SCALE = 0.13
_NAME_SCALE = 0.055
_MIN_NAME_SCALE = 0.025
# Average advance of a character in em for the SVG's sans-serif fonts (digits are 0.556 in Helvetica).
_SVG_EM_ADVANCE = 0.6


def zone_label(zone_number: str) -> str:
    return f"Zone {zone_number}"


def _qr(payload: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE_MODULES, box_size=box_size)
    code.add_data(payload)
    code.make(fit=True)
    return code


def _modules_with_quiet_zone(code: qrcode.QRCode) -> int:
    return code.modules_count + 2 * QUIET_ZONE_MODULES


def _fit_font(
    text: str, largest: int, smallest: int, max_width: int
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, str]:
    """The largest bundled font size at which `text` fits `max_width`; cut with '…' below `smallest`."""
    size = largest
    while size > smallest:
        font = ImageFont.load_default(size=size)
        if font.getlength(text) <= max_width:
            return font, text
        size = max(smallest, int(size * 0.92))
    font = ImageFont.load_default(size=smallest)
    while len(text) > 1 and font.getlength(text) > max_width:
        text = text[:-2].rstrip() + "…"
    return font, text


def render_png(payload: str, zone_number: str, facility_name: str, size: int = DEFAULT_PNG_SIZE) -> bytes:
    """The sign as a `size` pixels wide grayscale PNG (marked 300 dpi: 1200 px prints 10 cm wide)."""
    modules = _modules_with_quiet_zone(_qr(payload))
    box = max(1, size // modules)
    code = _qr(payload, box_size=box)
    qr_image = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    side = qr_image.width
    margin = box * QUIET_ZONE_MODULES
    text_width = size - 2 * margin

    zone_font, zone_text = _fit_font(
        zone_label(zone_number), round(size * _ZONE_SCALE), round(size * _NAME_SCALE), text_width
    )
    name_font, name_text = _fit_font(
        facility_name, round(size * _NAME_SCALE), round(size * _MIN_NAME_SCALE), text_width
    )
    zone_box = zone_font.getbbox(zone_text)
    name_box = name_font.getbbox(name_text)
    gap = round(size * 0.03)
    height = side + (zone_box[3] - zone_box[1]) + gap + (name_box[3] - name_box[1]) + margin

    sign = Image.new("L", (size, height), color=255)
    sign.paste(qr_image, ((size - side) // 2, 0))
    draw = ImageDraw.Draw(sign)
    # The text starts below the code's quiet zone: a mark inside it can stop scanners finding the code.
    zone_top = side
    draw.text((size / 2, zone_top - zone_box[1]), zone_text, font=zone_font, fill=0, anchor="ma")
    name_top = zone_top + (zone_box[3] - zone_box[1]) + gap
    draw.text((size / 2, name_top - name_box[1]), name_text, font=name_font, fill=0, anchor="ma")
    out = io.BytesIO()
    sign.save(out, format="PNG", dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    return out.getvalue()


def _svg_font_size(text: str, largest: float, width: float) -> float:
    return round(min(largest, width / (_SVG_EM_ADVANCE * max(1, len(text)))), 2)


def render_svg(payload: str, zone_number: str, facility_name: str) -> str:
    """The sign as a standalone SVG document, one QR module per user unit, 100 mm wide."""
    code = _qr(payload)
    qr_image = code.make_image(image_factory=SvgPathImage)
    assert qr_image.path is not None
    width = _modules_with_quiet_zone(code)
    text_width = width - 2 * QUIET_ZONE_MODULES
    zone_text = zone_label(zone_number)
    zone_size = _svg_font_size(zone_text, width * _ZONE_SCALE, text_width)
    name_size = _svg_font_size(facility_name, width * _NAME_SCALE, text_width)
    zone_baseline = width + zone_size * 0.75
    name_baseline = zone_baseline + width * 0.03 + name_size
    height = round(name_baseline + QUIET_ZONE_MODULES, 2)

    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        version="1.1",
        viewBox=f"0 0 {width} {height}",
        width=f"{SVG_WIDTH_MM}mm",
        height=f"{round(SVG_WIDTH_MM * height / width, 2)}mm",
    )
    ET.SubElement(svg, "title").text = f"{facility_name} — {zone_text}"
    ET.SubElement(svg, "rect", x="0", y="0", width=str(width), height=str(height), fill="#ffffff")
    ET.SubElement(svg, "path", d=qr_image.path.get("d", ""), fill="#000000")
    text_style = {"x": str(width / 2), "text-anchor": "middle", "fill": "#000000"}
    family = "Helvetica, Arial, sans-serif"
    zone = ET.SubElement(svg, "text", y=str(round(zone_baseline, 2)), **text_style, **{"font-family": family})
    zone.set("font-size", str(zone_size))
    zone.set("font-weight", "bold")
    zone.text = zone_text
    name = ET.SubElement(svg, "text", y=str(round(name_baseline, 2)), **text_style, **{"font-family": family})
    name.set("font-size", str(name_size))
    name.text = facility_name
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="unicode")

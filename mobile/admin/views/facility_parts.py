"""Pieces of the facility editor that stand alone: the drawn outline, the price preview, the sign QR."""

import flet as ft
import flet.canvas as cv

from mobile.admin.state.facility_editor import FacilityEditorState
from mobile.admin.state.outline import Outline, describe_area, describe_length
from mobile.admin.views.common import money
from mobile.components.common import empty, loading

OUTLINE_BOX = (320, 220)


def outline_drawing(outline: Outline, color: str = ft.Colors.INDIGO) -> ft.Control:
    """The lot's outline on a plain canvas (no map tiles offline), north up, to scale."""
    width, height = OUTLINE_BOX
    shapes: list[cv.Shape] = []
    for polygon in outline.fit(width, height, margin=24):
        elements: list = []
        for ring in polygon:
            elements.append(cv.Path.MoveTo(*ring[0]))
            elements += [cv.Path.LineTo(x, y) for x, y in ring[1:]]
            elements.append(cv.Path.Close())
        shapes.append(
            cv.Path(
                elements,
                paint=ft.Paint(color=ft.Colors.with_opacity(0.25, color), style=ft.PaintingStyle.FILL),
            )
        )
        shapes.append(
            cv.Path(elements, paint=ft.Paint(color=color, stroke_width=2, style=ft.PaintingStyle.STROKE))
        )
    shapes.append(cv.Text(width - 18, 6, "N", ft.TextStyle(size=11, color=ft.Colors.ON_SURFACE_VARIANT)))
    east, north = outline.size_m
    return ft.Column(
        [
            ft.Container(
                cv.Canvas(shapes, width=width, height=height),
                width=width,
                height=height,
                bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                border_radius=6,
            ),
            ft.Text(
                f"Area {describe_area(outline.area_m2)} · perimeter {describe_length(outline.perimeter_m)} · "
                f"{describe_length(east)} east–west by {describe_length(north)} north–south",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ],
        spacing=6,
        tight=True,
    )


def preview_panel(editor: FacilityEditorState) -> list[ft.Control]:
    """What the rates on screen would charge, as drivers would pay it (parking + service fee)."""
    if editor.preview_error:
        return [
            ft.Container(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.ERROR),
                        ft.Text(f"Not a valid tariff yet: {editor.preview_error}", expand=True),
                    ]
                ),
                bgcolor=ft.Colors.ERROR_CONTAINER,
                padding=10,
                border_radius=8,
            )
        ]
    preview = editor.preview
    if preview is None:
        return [loading("Pricing…")]
    rows = [
        ft.DataRow(
            cells=[
                ft.DataCell(ft.Text(p.label, weight=ft.FontWeight.BOLD)),
                ft.DataCell(ft.Text(money(p.parking_amount, p.currency))),
                ft.DataCell(ft.Text(money(p.service_fee_amount, p.currency))),
                ft.DataCell(
                    ft.Text(
                        money(p.total_amount, p.currency) + (" *" if p.exceeds_max_stay else ""),
                        weight=ft.FontWeight.BOLD,
                    )
                ),
            ]
        )
        for p in preview.prices
    ]
    controls: list[ft.Control] = [
        ft.Text(preview.tariff_text, italic=True),
        ft.DataTable(
            columns=[
                ft.DataColumn(ft.Text(h, weight=ft.FontWeight.BOLD))
                for h in ("Stay", "Parking", "Fee", "Total")
            ],
            rows=rows,
            heading_row_height=36,
            data_row_min_height=36,
            data_row_max_height=40,
            column_spacing=24,
        ),
        ft.Text(
            f"Starting now, daily maximum counted in {preview.timezone}. The fee is your service fee on top.",
            size=12,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]
    if any(p.exceeds_max_stay for p in preview.prices):
        controls.append(
            ft.Text(
                "* Longer than the maximum stay: drivers cannot prepay this long "
                "(camera stays are still charged).",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            )
        )
    return controls


@ft.component
def SignQr(editor: FacilityEditorState) -> ft.Control:
    saver = ft.use_memo(ft.FilePicker, [])

    async def download(_) -> None:
        if editor.qr_png:
            await saver.save_file(
                dialog_title="Save the sign", file_name=editor.qr_file_name, src_bytes=editor.qr_png
            )
            editor.notice = f"The sign is saved as {editor.qr_file_name}: print it 10 cm wide or larger."

    if editor.qr_png is None:
        return empty("The sign could not be made.") if editor.facility else loading()
    return ft.Column(
        [
            ft.Image(src=editor.qr_png, width=220, height=220, fit=ft.BoxFit.CONTAIN),
            ft.Text(
                "Drivers scan it to pay here. It is signed by Parkflow, so a fake sticker over it "
                "is refused.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.FilledTonalButton("Download sign (PNG)", icon=ft.Icons.DOWNLOAD, on_click=download),
        ],
        spacing=8,
        tight=True,
        horizontal_alignment=ft.CrossAxisAlignment.START,
    )

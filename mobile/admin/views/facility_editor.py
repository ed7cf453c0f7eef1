"""One facility: rates with a live price preview, what drivers are told, the outline, the sign's QR
code and the passes sold there. Tenant admins edit; everyone else (and a super admin's preview) reads."""

import flet as ft

from mobile.admin.state.facility_editor import MAX_GRACE_MINUTES, FacilityEditorState
from mobile.admin.state.tariff_draft import major
from mobile.admin.views.common import act, card, chip, heading, money, read_only_note, typed_field
from mobile.admin.views.facility_parts import SignQr, outline_drawing, preview_panel
from mobile.components.common import empty, error_text, info_text

_FIELD = {"dense": True}


@ft.component
def RatesCard(editor: FacilityEditorState, editable: bool) -> ft.Control:
    # Values come from the live draft: Flet keeps what the browser typed, so a field given anything
    # else would be reset to it at the next render.
    form, version, currency = editor.tariff, editor.form_version, editor.currency

    def typed(name: str):
        async def handler(e) -> None:
            await editor.set_tariff_field(name, e.control.value or "")

        return handler

    def segment(index: int, part: str):
        async def handler(e) -> None:
            await editor.set_segment(index, **{part: e.control.value or ""})

        return handler

    def remove(index: int):
        async def handler(_) -> None:
            await editor.remove_segment(index)

        return handler

    rows: list[ft.Control] = []
    for i, s in enumerate(form.segments):
        rows.append(
            ft.Row(
                [
                    ft.Text(f"Rate {i + 1}", width=56),
                    ft.TextField(
                        key=f"{version}-from-{i}",
                        label="From minute",
                        value=s.from_minute,
                        width=130,
                        read_only=not editable or i == 0,
                        tooltip="The first rate starts at minute 0" if i == 0 else None,
                        on_change=segment(i, "from_minute"),
                        **_FIELD,
                    ),
                    ft.TextField(
                        key=f"{version}-amount-{i}",
                        label=f"{currency} per increment",
                        value=s.amount,
                        width=170,
                        read_only=not editable,
                        on_change=segment(i, "amount"),
                        **_FIELD,
                    ),
                    *(
                        [
                            ft.TextButton(
                                f"Remove rate {i + 1}", icon=ft.Icons.DELETE_OUTLINE, on_click=remove(i)
                            )
                        ]
                        if editable and i > 0
                        else []
                    ),
                ],
                spacing=10,
            )
        )
    body: list[ft.Control] = [
        ft.Text(
            "Each started increment costs the amount of the rate in force at its start. An amount of 0 "
            "from minute 0 is a free period.",
            size=12,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        ft.Row(
            [
                ft.TextField(
                    key=f"{version}-increment",
                    label="Increment (minutes)",
                    value=form.increment_minutes,
                    width=170,
                    read_only=not editable,
                    on_change=typed("increment_minutes"),
                    **_FIELD,
                ),
                ft.TextField(
                    key=f"{version}-daily",
                    label=f"Daily maximum ({currency})",
                    hint_text="none",
                    value=form.daily_max,
                    width=190,
                    read_only=not editable,
                    on_change=typed("daily_max"),
                    **_FIELD,
                ),
                ft.TextField(
                    key=f"{version}-maxstay",
                    label="Maximum stay (minutes)",
                    hint_text="none",
                    value=form.max_stay_minutes,
                    width=200,
                    read_only=not editable,
                    on_change=typed("max_stay_minutes"),
                    **_FIELD,
                ),
            ],
            spacing=10,
            wrap=True,
        ),
        *rows,
    ]
    if editable:
        body.append(
            ft.Row(
                [
                    ft.OutlinedButton("Add a rate", icon=ft.Icons.ADD, on_click=act(editor.add_segment)),
                    ft.FilledButton(
                        "Save rates",
                        icon=ft.Icons.SAVE,
                        on_click=act(editor.save_tariff),
                        disabled=editor.saving,
                    ),
                ],
                spacing=10,
            )
        )
    return card("Rates", body)


@ft.component
def DetailsCard(editor: FacilityEditorState, editable: bool) -> ft.Control:
    facility = editor.facility
    assert facility is not None
    typed = ft.use_ref(
        lambda: {
            "name": facility.name,
            "capacity": str(facility.capacity),
            "grace_minutes": str(facility.grace_minutes),
            "notices": "\n".join(facility.notices),
            "rules": facility.rules,
        }
    ).current

    async def save(_) -> None:
        await editor.save_details(**typed)

    return card(
        "Details and what drivers are told",
        [
            ft.Row(
                [
                    typed_field(typed, "name", "Name", width=300, read_only=not editable),
                    typed_field(typed, "capacity", "Capacity (spaces)", width=150, read_only=not editable),
                    typed_field(
                        typed,
                        "grace_minutes",
                        "Grace period (minutes)",
                        width=190,
                        helper=f"0–{MAX_GRACE_MINUTES} after paid time ends",
                        read_only=not editable,
                    ),
                ],
                spacing=10,
                wrap=True,
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
            typed_field(
                typed,
                "notices",
                "Notices before paying (one a line, at most 10)",
                width=640,
                multiline=True,
                min_lines=2,
                max_lines=5,
                read_only=not editable,
            ),
            typed_field(
                typed,
                "rules",
                "Rules of the lot",
                width=640,
                multiline=True,
                min_lines=2,
                max_lines=6,
                read_only=not editable,
            ),
            *(
                [ft.FilledButton("Save details", icon=ft.Icons.SAVE, on_click=save, disabled=editor.saving)]
                if editable
                else []
            ),
        ],
    )


@ft.component
def OutlineCard(editor: FacilityEditorState, editable: bool) -> ft.Control:
    picker = ft.use_memo(ft.FilePicker, [])

    async def upload(_) -> None:
        files = await picker.pick_files(
            dialog_title="GeoJSON outline of the lot",
            file_type=ft.FilePickerFileType.CUSTOM,
            allowed_extensions=["geojson", "json"],
            with_data=True,
        )
        if files:
            await editor.upload_outline(files[0].name, files[0].bytes)

    outline = editor.outline
    body: list[ft.Control] = [
        outline_drawing(outline)
        if outline
        else empty(
            "No outline yet: drivers' phones cannot detect this lot. Upload the lot's GeoJSON outline."
        )
    ]
    if editable:
        body += [
            ft.OutlinedButton("Upload GeoJSON outline", icon=ft.Icons.UPLOAD_FILE, on_click=upload),
            ft.Text(
                "A Polygon, MultiPolygon or one Feature in WGS84 longitude/latitude, e.g. exported from "
                "geojson.io or QGIS. It replaces the geofence at once.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ]
    return card("Outline (geofence)", body)


@ft.component
def ProductsCard(editor: FacilityEditorState, editable: bool) -> ft.Control:
    typed = ft.use_ref(lambda: {"name": "", "price": "", "days": "30"}).current
    editing, set_editing = ft.use_state(None)
    edit_typed = ft.use_ref(dict).current
    form_key, set_form_key = ft.use_state(0)
    currency = editor.currency

    async def add(_) -> None:
        if await editor.add_product(**typed):
            typed.update(name="", price="", days="30")
            set_form_key(form_key + 1)

    def start_edit(product):
        def handler(_) -> None:
            edit_typed.clear()
            edit_typed.update(
                name=product.name, price=major(product.amount, currency), days=str(product.days)
            )
            set_editing(product.slug)

        return handler

    def save_edit(product):
        async def handler(_) -> None:
            if await editor.update_product(product, **edit_typed):
                set_editing(None)

        return handler

    def actions(product) -> ft.Control:
        if not editable:
            return ft.Text("")
        if editing == product.slug:
            return ft.Row(
                [
                    ft.FilledButton(f"Save {product.name}", on_click=save_edit(product)),
                    ft.TextButton("Cancel", on_click=lambda _: set_editing(None)),
                ]
            )
        buttons = [ft.OutlinedButton(f"Edit {product.name}", on_click=start_edit(product))]
        if product.is_active:
            buttons.append(
                ft.TextButton(f"Stop selling {product.name}", on_click=act(editor.withdraw_product, product))
            )
        else:
            buttons.append(
                ft.TextButton(f"Sell {product.name} again", on_click=act(editor.restore_product, product))
            )
        return ft.Row(buttons, spacing=6)

    def cells(product) -> list[ft.Control | str]:
        if editing == product.slug:
            return [
                typed_field(edit_typed, "name", "Name", width=170),
                typed_field(edit_typed, "price", "Price", width=90),
                typed_field(edit_typed, "days", "Days", width=70),
            ]
        return [product.name, money(product.amount, product.currency), f"{product.days} days"]

    rows = [
        ft.DataRow(
            cells=[
                ft.DataCell(c if isinstance(c, ft.Control) else ft.Text(c))
                for c in [
                    *cells(p),
                    chip("on sale", "success") if p.is_active else chip("not sold", "muted"),
                    actions(p),
                ]
            ]
        )
        for p in editor.products
    ]
    body: list[ft.Control] = [
        ft.Text(
            "Passes drivers can buy for this facility. Changes apply to new sales; "
            "sold passes keep their terms.",
            size=12,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        ft.DataTable(
            columns=[
                ft.DataColumn(ft.Text(h, weight=ft.FontWeight.BOLD))
                for h in ("Pass", "Price", "Valid", "Status", "")
            ],
            rows=rows,
            heading_row_color=ft.Colors.SURFACE_CONTAINER_HIGH,
            column_spacing=18,
        )
        if rows
        else empty("No passes on sale here. Add one below, e.g. a monthly pass."),
    ]
    if editable:
        body.append(
            ft.Row(
                [
                    typed_field(
                        typed,
                        "name",
                        "New pass name",
                        key=f"pn{form_key}",
                        hint_text="Monthly pass",
                        width=200,
                    ),
                    typed_field(typed, "price", f"Price ({currency})", key=f"pp{form_key}", width=120),
                    typed_field(typed, "days", "Valid (days)", key=f"pd{form_key}", width=110),
                    ft.FilledButton("Add pass", icon=ft.Icons.ADD, on_click=add),
                ],
                spacing=10,
                wrap=True,
            )
        )
    return card("Pass products", body)


@ft.component
def FacilityEditor(editor: FacilityEditorState, editable: bool) -> ft.Control:
    facility = editor.facility
    assert facility is not None

    async def back(_) -> None:
        editor.close()

    names = {"anpr": "cameras (ANPR)", "geofence": "phones (geofence)", "none": "the app only"}
    detection = names.get(facility.detection.value, facility.detection.value)
    return ft.Column(
        [
            heading(
                facility.name,
                f"Zone {facility.zone_number} · detection by {detection}"
                f" · {facility.timezone}" + (f" · {facility.address}" if facility.address else ""),
                actions=[ft.OutlinedButton("Back to facilities", icon=ft.Icons.ARROW_BACK, on_click=back)],
            ),
            read_only_note(editable),
            error_text(editor.error),
            info_text(editor.notice),
            ft.ResponsiveRow(
                [
                    ft.Container(RatesCard(editor, editable), col={"xs": 12, "lg": 7}),
                    ft.Container(card("Price preview", preview_panel(editor)), col={"xs": 12, "lg": 5}),
                    ft.Container(DetailsCard(editor, editable, key=facility.slug), col={"xs": 12, "lg": 7}),
                    ft.Container(card("Sign QR code", [SignQr(editor)]), col={"xs": 12, "lg": 5}),
                    ft.Container(OutlineCard(editor, editable), col={"xs": 12, "lg": 4}),
                    ft.Container(ProductsCard(editor, editable, key=facility.slug), col={"xs": 12, "lg": 8}),
                ],
                spacing=12,
                run_spacing=12,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )

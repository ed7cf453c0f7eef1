"""Facilities: the operator's car parks and zones at a glance, each opening its editor; and the
operator's branding (tenant admins)."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.facilities import FacilitiesState, FacilityRow
from mobile.admin.state.facility_editor import FacilityEditorState
from mobile.admin.views.common import card, chip, heading, money, read_only_note, table, typed_field
from mobile.admin.views.facility_editor import FacilityEditor
from mobile.components.common import empty, error_text, info_text, loading

_DETECTION = {"anpr": ("cameras", "info"), "geofence": ("geofence", "success"), "none": ("app only", "muted")}


def _detection(row: FacilityRow) -> ft.Control:
    text, severity = _DETECTION.get(row.detection, (row.detection, "muted"))
    return chip(text, severity)


@ft.component
def BrandingCard(state: FacilitiesState) -> ft.Control:
    session = use_admin().session
    tenant = state.tenant
    assert tenant is not None
    typed = ft.use_ref(
        lambda: {
            "display_name": tenant.branding.display_name or tenant.name,
            "primary_color": tenant.branding.primary_color,
        }
    ).current
    shown, set_shown = ft.use_state(tenant.branding.primary_color)

    def show_colour(text: str) -> None:
        value = text.strip()
        value = value if value.startswith("#") else f"#{value}"
        if len(value) == 7:
            set_shown(value)

    async def save(_) -> None:
        await state.save_branding(session, **typed)

    swatch = ft.Container(
        width=36, height=36, border_radius=6, bgcolor=shown, border=ft.Border.all(1, ft.Colors.OUTLINE)
    )
    return card(
        "Branding",
        [
            ft.Text(
                "Your name and colour in the header of this portal, for everyone of your team.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.Row(
                [
                    typed_field(typed, "display_name", "Operator name as shown", width=260),
                    typed_field(
                        typed, "primary_color", "Primary colour (#RRGGBB)", width=200, then=show_colour
                    ),
                    swatch,
                    ft.FilledButton("Save branding", icon=ft.Icons.PALETTE, on_click=save),
                ],
                spacing=12,
                wrap=True,
            ),
        ],
    )


@ft.component
def Facilities() -> ft.Control:
    session = use_admin().session
    state: FacilitiesState = use_screen("facilities", FacilitiesState)
    editor: FacilityEditorState = use_screen("facility-editor", FacilityEditorState)
    editable = session.can_edit()

    async def load() -> None:
        editor.close()
        await state.load(session.acting)

    ft.use_effect(load, [session.acting])

    if editor.facility is not None:
        return FacilityEditor(editor, editable)

    def open_(slug: str):
        async def handler(_) -> None:
            await editor.open(slug)

        return handler

    rows = [
        [
            ft.Text(r.name, weight=ft.FontWeight.BOLD),
            r.zone_number,
            _detection(r),
            f"{r.capacity:,}" if r.capacity else "—",
            f"{r.grace_minutes} min",
            money(r.hour_amount, r.currency) if r.hour_amount else "free",
            "" if r.has_outline else chip("no outline", "warning"),
            ft.OutlinedButton(f"{'Edit' if editable else 'View'} {r.name}", on_click=open_(r.slug)),
        ]
        for r in state.rows
    ]
    body: list[ft.Control] = [
        heading(
            "Facilities",
            "Your car parks and zones: rates, what drivers are told, outlines, sign QR codes and passes. "
            "Open one to change it."
            if editable
            else "Your car parks and zones. Open one to see its rates, outline, sign QR code and passes.",
        ),
        read_only_note(editable),
        error_text(editor.error or state.error),
        info_text(state.notice),
    ]
    if editor.loading:
        body.append(loading("Opening the facility…"))
    if state.loading and not state.rows:
        body.append(loading("Loading facilities…"))
    elif state.loaded and not state.rows:
        body.append(empty("No facilities yet. They are added with the onboarding file or the admin API."))
    elif state.rows:
        body.append(
            card(
                f"{len(state.rows)} facilities" if len(state.rows) != 1 else "1 facility",
                [
                    table(
                        ["Name", "Zone", "Detection", "Capacity", "Grace", "1 hour", "", ""],
                        rows,
                        column_spacing=28,
                    )
                ],
            )
        )
    if editable and state.tenant is not None:
        body.append(BrandingCard(state, key=f"{state.tenant.slug}-{state.tenant.branding.primary_color}"))
    return ft.Column(body, spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)

"""The frame around every admin screen: operator name in its colours, the sections the role may see,
the super admin's operator switch, and the read-only preview banner."""

import flet as ft

from mobile.admin.context import use_admin
from mobile.admin.state.session import AdminSession, Section

_LABELS = {
    Section.dashboard: ("Dashboard", ft.Icons.INSIGHTS),
    Section.sessions: ("Sessions", ft.Icons.DIRECTIONS_CAR),
    Section.invoices: ("Invoices", ft.Icons.RECEIPT_LONG),
    Section.support: ("Support", ft.Icons.SUPPORT_AGENT),
    Section.customers: ("Customers", ft.Icons.PEOPLE),
    Section.passes: ("Passes", ft.Icons.CARD_MEMBERSHIP),
    Section.plate_check: ("Plate check", ft.Icons.LOCAL_POLICE),
    Section.facilities: ("Facilities", ft.Icons.LOCAL_PARKING),
    Section.credentials: ("Keys & tokens", ft.Icons.KEY),
    Section.users: ("Users", ft.Icons.MANAGE_ACCOUNTS),
    Section.audit: ("Audit log", ft.Icons.HISTORY),
}


def section_of(location: str) -> str:
    parts = [p for p in location.split("/") if p]
    return parts[0] if parts else ""


async def go(route: str) -> None:
    await ft.context.page.push_route(route)


@ft.component
def TenantSwitch(session: AdminSession) -> ft.Control:
    """Super admins: which operator to act for, and whether only to preview it."""

    async def pick(e) -> None:
        slug = e.control.value or None
        await session.switch(slug, preview=session.preview)
        await go("/")

    async def toggle_preview(e) -> None:
        await session.switch(session.acting, preview=bool(e.control.value))

    return ft.Row(
        [
            ft.Dropdown(
                label="Operator",
                value=session.acting or "",
                width=260,
                filled=True,
                fill_color=ft.Colors.WHITE,
                dense=True,
                options=[ft.DropdownOption(key=t.slug, text=t.name) for t in session.tenants],
                on_select=pick,
            ),
            ft.Switch(
                label="Preview as its admin",
                label_text_style=ft.TextStyle(color=ft.Colors.WHITE),
                value=session.preview,
                disabled=not session.acting,
                on_change=toggle_preview,
            ),
        ],
        spacing=12,
    )


def preview_banner(session: AdminSession) -> ft.Control:
    return ft.Container(
        ft.Row(
            [
                ft.Icon(ft.Icons.VISIBILITY, color=ft.Colors.BLACK),
                ft.Text(
                    f"Preview: you see {session.tenant_name}'s portal as its admin does. Read-only — "
                    "nothing can be changed here.",
                    weight=ft.FontWeight.BOLD,
                    color=ft.Colors.BLACK,
                    expand=True,
                ),
            ]
        ),
        bgcolor=ft.Colors.AMBER_300,
        padding=ft.Padding.symmetric(horizontal=16, vertical=10),
    )


@ft.component
def Shell() -> ft.View:
    states = use_admin()
    session = states.session
    location = ft.use_route_location()
    outlet = ft.use_route_outlet()
    sections = session.sections
    current = section_of(location)
    index = next((i for i, s in enumerate(sections) if s.value == current), None)
    if index is None and not current and sections:
        index = 0

    async def navigate(e) -> None:
        await go(f"/{sections[e.control.selected_index].value}")

    async def sign_out(_) -> None:
        states.forget_screens()
        await session.sign_out()

    me = session.me
    header = ft.Container(
        ft.Row(
            [
                ft.Icon(ft.Icons.LOCAL_PARKING, color=ft.Colors.WHITE, size=30),
                # Both texts give way (ellipsis) on a narrow window: Sign out always stays on screen.
                ft.Text(
                    session.tenant_name,
                    size=20,
                    weight=ft.FontWeight.BOLD,
                    color=ft.Colors.WHITE,
                    max_lines=1,
                    overflow=ft.TextOverflow.ELLIPSIS,
                    expand=2,
                ),
                *([TenantSwitch(session)] if session.is_super_admin else []),
                ft.Text(
                    f"{me.email} · {me.role.replace('_', ' ')}" if me else "",
                    color=ft.Colors.WHITE,
                    max_lines=1,
                    overflow=ft.TextOverflow.ELLIPSIS,
                    text_align=ft.TextAlign.RIGHT,
                    expand=3,
                ),
                ft.OutlinedButton(
                    "Sign out",
                    on_click=sign_out,
                    style=ft.ButtonStyle(color=ft.Colors.WHITE),
                ),
            ],
            spacing=16,
        ),
        bgcolor=session.primary_color,
        padding=ft.Padding.symmetric(horizontal=20, vertical=10),
    )
    rail = ft.NavigationRail(
        selected_index=index,
        label_type=ft.NavigationRailLabelType.ALL,
        min_width=96,
        destinations=[
            ft.NavigationRailDestination(icon=_LABELS[s][1], label=_LABELS[s][0]) for s in sections
        ],
        on_change=navigate,
    )
    body = ft.Column(
        [
            *([preview_banner(session)] if session.preview else []),
            ft.Container(outlet, padding=20, expand=True),
        ],
        expand=True,
        spacing=0,
    )
    return ft.View(
        route=location or "/",
        padding=0,
        spacing=0,
        controls=[
            header,
            ft.Row(
                [rail, ft.VerticalDivider(width=1), body] if sections else [body],
                expand=True,
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
        ],
    )

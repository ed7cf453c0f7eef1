"""Super admins: every operator on the platform, to act for or to preview."""

import flet as ft

from mobile.admin.context import use_admin
from mobile.admin.views.shell import go
from mobile.components.common import empty, error_text


@ft.component
def TenantPicker() -> ft.Control:
    session = use_admin().session

    def open_(slug: str, preview: bool):
        async def handler(_) -> None:
            await session.switch(slug, preview=preview)
            await go("/dashboard")

        return handler

    rows = [
        ft.DataRow(
            cells=[
                ft.DataCell(ft.Text(t.name, weight=ft.FontWeight.BOLD)),
                ft.DataCell(ft.Text(t.slug)),
                ft.DataCell(ft.Text(f"{t.currency} · {t.timezone}")),
                ft.DataCell(
                    ft.Row(
                        [
                            ft.FilledButton(f"Open {t.name}", on_click=open_(t.slug, False)),
                            ft.OutlinedButton(f"Preview {t.name}", on_click=open_(t.slug, True)),
                        ]
                    )
                ),
            ]
        )
        for t in session.tenants
    ]
    return ft.Column(
        [
            ft.Text("Operators", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            ft.Text(
                "Open an operator to act for it, or preview its portal read-only "
                "exactly as its admin sees it.",
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            error_text(session.error),
            ft.DataTable(
                columns=[ft.DataColumn(ft.Text(h)) for h in ("Operator", "Slug", "Currency · time zone", "")],
                rows=rows,
            )
            if rows
            else empty("No operators yet: load an onboarding file (`parkflow load`)."),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
    )

"""Scan a sign's QR code: the camera (phone and web; a webcam through OpenCV on desktops) or a photo.

A code not signed by the platform is never followed: the driver sees why, and types the zone instead.
"""

import flet as ft

from mobile.components.common import error_text, loading, page_view, warning_box
from mobile.driver.context import act, go, use_states
from mobile.services.webcam import grab_webcam_frame


def _camera_platform() -> bool:
    page = ft.context.page
    return bool(page.web or page.platform.is_mobile())


@ft.component
def CameraPanel(on_picture) -> ft.Control:
    """flet-camera preview with a shutter button (web and phones)."""
    import flet_camera as fc

    # The mounted control is reached through a Ref: a re-render builds a new Camera object and the
    # page keeps patching the one it mounted first.
    camera_ref = ft.use_memo(ft.Ref, [])
    ready, set_ready = ft.use_state(None)

    async def start() -> None:
        try:
            camera = camera_ref.current
            cameras = await camera.get_available_cameras()
            if not cameras:
                set_ready(False)
                return
            back = next((c for c in cameras if "back" in str(c.lens_direction).lower()), cameras[0])
            await camera.initialize(back, fc.ResolutionPreset.HIGH, enable_audio=False)
            set_ready(True)
        except Exception:
            set_ready(False)

    ft.use_effect(start, [])

    async def shoot(_) -> None:
        try:
            picture = await camera_ref.current.take_picture()
        except Exception:
            picture = None  # the view says no picture was taken
        await on_picture(picture)

    if ready is False:
        return ft.Text("No camera available here. Choose a photo of the sign instead.")
    return ft.Column(
        [
            ft.Container(
                fc.Camera(ref=camera_ref, expand=True, preview_enabled=True),
                height=280,
                border_radius=8,
                clip_behavior=ft.ClipBehavior.HARD_EDGE,
            ),
            ft.FilledButton("Take picture", icon=ft.Icons.CAMERA_ALT, on_click=shoot, disabled=not ready),
        ],
        tight=True,
    )


@ft.component
def Scan() -> ft.View:
    states = use_states()
    finder = states.finder
    picker = ft.use_memo(ft.FilePicker, [])
    use_camera, set_use_camera = ft.use_state(False)

    async def handle(image: bytes | None) -> None:
        if not image:
            finder.error = "No picture was taken."
            return
        facility = await finder.resolve_image(image)
        if facility is not None:
            await go(f"/pay/{facility.slug}")

    async def choose_photo(_) -> None:
        files = await picker.pick_files(
            dialog_title="Photo of the parking sign", file_type=ft.FilePickerFileType.IMAGE, with_data=True
        )
        if files:
            await handle(files[0].bytes)

    async def webcam(_) -> None:
        await handle(await grab_webcam_frame())

    body: list[ft.Control] = [
        ft.Text("Point the camera at the QR code on the parking sign, or choose a photo of it."),
    ]
    if finder.qr_warning:
        body.append(warning_box("Don't pay through this code", finder.qr_warning))
    body.append(error_text(finder.error))
    if finder.loading:
        body.append(loading("Checking the code…"))
    if _camera_platform():
        if use_camera:
            body.append(CameraPanel(handle))
        else:
            body.append(
                ft.FilledButton(
                    "Use the camera", icon=ft.Icons.CAMERA_ALT, on_click=lambda _: set_use_camera(True)
                )
            )
    else:
        body.append(ft.FilledButton("Use the webcam", icon=ft.Icons.CAMERA_ALT, on_click=webcam))
    body += [
        ft.OutlinedButton("Choose a photo", icon=ft.Icons.PHOTO_LIBRARY, on_click=choose_photo),
        ft.TextButton("Type the zone number instead", on_click=act(go, "/")),
    ]
    return page_view("/scan", "Scan the sign", body)


@ft.component
def SignLink() -> ft.View:
    """A sign's QR opened by the phone's own camera lands here: verify it, then pay (or warn)."""
    finder = use_states().finder
    slug = ft.use_route_params().get("slug", "")
    route = ft.context.page.route or f"/s/{slug}"

    async def resolve() -> None:
        facility = await finder.resolve_link(route)
        if facility is not None:
            await go(f"/pay/{facility.slug}")

    ft.use_effect(resolve, [route])
    body: list[ft.Control] = []
    if finder.qr_warning:
        body.append(warning_box("Don't pay through this code", finder.qr_warning))
    elif finder.error:
        body.append(error_text(finder.error))
    else:
        body.append(loading("Checking the sign…"))
    body.append(ft.FilledButton("Type the zone number instead", on_click=act(go, "/")))
    return page_view("/s", "Parking sign", body)

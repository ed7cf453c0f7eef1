"""Browser tests: `parkflow demo` (API, provider sandbox, driver web app; demo data) started on loopback,
driven through Debian's chromium with Playwright, as a driver would use the app.

Screenshots of the main screens go to `test-artifacts/screenshots/`.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"
STARTUP_SECONDS = 60
FIRST_FRAME_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Stack:
    api: str
    app: str
    log: Path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if _chromium() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium for the browser tests")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium)")
    data = tmp_path_factory.mktemp("browser")
    port, apps_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "PARKFLOW_DATA_DIR": str(data),
        "PARKFLOW_ARGON2_TIME_COST": "1",
        "PARKFLOW_ARGON2_MEMORY_KIB": "1024",
        "PARKFLOW_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
        # The app's geofence detection on a test's clock: seconds of dwell, not a minute.
        "PARKFLOW_GEOFENCE_ENTRY_DWELL_S": "3",
        "PARKFLOW_GEOFENCE_EXIT_DWELL_S": "3",
        "PARKFLOW_GEOFENCE_NEAR_INTERVAL_S": "1",
    }
    log = data / "demo.log"
    out = log.open("w")
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend.cli",
            "demo",
            "--fresh",
            "--port",
            str(port),
            "--apps-port",
            str(apps_port),
        ],
        cwd=REPO,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    stack = Stack(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{apps_port}/driver", log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{stack.api}/health", timeout=1).status_code == 200 and (
                    httpx.get(f"{stack.app}/", timeout=1).status_code == 200
                ):
                    break
            except httpx.HTTPError:
                pass
            if demo.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the demo did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield stack
    finally:
        demo.send_signal(signal.SIGINT)  # SIGTERM can hang a Flet server with many sessions
        try:
            demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo.kill()
        out.close()


OPERATOR = {"username": "admin@helsinki.test", "password": "parkflow-demo"}  # demo operator (assets/demo)


def printed_sign(api: str, slug: str, folder: Path) -> Path:
    """The sign PNG an operator downloads and prints."""
    token = httpx.post(f"{api}/api/v1/admin/auth/token", data=OPERATOR, timeout=10).json()["access_token"]
    response = httpx.get(
        f"{api}/api/v1/admin/facilities/{slug}/sign.png",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert response.status_code == 200, response.text
    path = folder / f"{slug}-sign.png"
    path.write_bytes(response.content)
    return path


def camera_feed(sign: Path, folder: Path) -> Path:
    """Chromium's fake camera plays a Y4M file: the printed sign held up in front of the camera."""
    import cv2
    import numpy as np

    width, height = 640, 480
    frame = np.full((height, width, 3), 235, np.uint8)  # a pale wall
    image = cv2.imread(str(sign))
    scale = (height - 40) / image.shape[0]
    image = cv2.resize(image, None, fx=scale, fy=scale * 1.0, interpolation=cv2.INTER_AREA)
    h, w = image.shape[:2]
    top, left = (height - h) // 2, (width - w) // 2
    frame[top : top + h, left : left + w] = image[:, : width - left]
    yuv = cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes()
    path = folder / "camera.y4m"
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + yuv)
    return path


@pytest.fixture(scope="session")
def camera_file(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("camera")
    return camera_feed(printed_sign(stack.api, "kamppi-p1", folder), folder)


# Module scope, not session: sync Playwright keeps an event loop running in this thread while it is
# open, and the asyncio tests of the other folders cannot start their own beside it.
@pytest.fixture(scope="module")
def browser(camera_file: Path) -> Iterator:
    from playwright.sync_api import sync_playwright

    feed = camera_file
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=_chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                # A camera that shows Kamppi P1's printed sign, permission granted.
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={feed}",
            ],
        )
        yield chromium
        chromium.close()


class App:
    """One driver's browser tab on the app, with the waits Flet web needs."""

    def __init__(self, page, stack: Stack) -> None:
        self.page = page
        self.stack = stack

    def open(self, path: str = "/") -> "App":
        self.page.goto(self.stack.app + path)
        self.page.wait_for_function("!document.getElementById('loading')", timeout=FIRST_FRAME_MS)
        self.page.evaluate("document.querySelector('flt-semantics-placeholder')?.click()")
        self.page.wait_for_selector("flt-semantics", state="attached", timeout=FIRST_FRAME_MS)
        return self

    def button(self, name: str | re.Pattern):
        return self.page.get_by_role("button", name=name)

    def text(self, text: str | re.Pattern):
        return self.page.get_by_text(text).first

    def tap(self, name: str | re.Pattern) -> None:
        self.button(name).click()

    def see(self, text: str | re.Pattern, timeout: float = 20_000) -> None:
        try:
            self.text(text).wait_for(timeout=timeout)
        except PlaywrightTimeout:
            # What the screen showed instead, for whoever reads the CI log.
            self.shot(f"failed_{re.sub(r'[^A-Za-z0-9]+', '_', str(getattr(text, 'pattern', text)))[:40]}")
            raise

    def fill(self, label: str, value: str) -> None:
        """A server re-render can swallow a fill: fill, read back, retry (FLET.md)."""
        self.fill_box(self.page.get_by_role("textbox", name=label), value)

    def fill_box(self, box, value: str) -> None:
        """`fill` for a field found otherwise (e.g. the first of several with one label)."""
        for _ in range(10):
            try:  # a re-render can also replace the field for a moment: find it again next round
                box.fill(value, timeout=10_000)
                self.page.wait_for_timeout(200)
                if box.input_value(timeout=5_000).lower() == value.lower():
                    return
            except PlaywrightTimeout:
                continue
        raise AssertionError(f"the field {box} did not keep {value!r}")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(500)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def sign_up(self, email: str, name: str = "Aino Virtanen") -> None:
        self.tap("New here? Create an account")
        self.fill("Your name", name)
        self.fill("Email", email)
        self.fill("Password", "correct horse battery")
        self.tap("Create account")
        self.see("Where are you parking?")

    def add_vehicle_and_card(self, plate: str, card: str = "Visa ending 4242") -> None:
        self.tap("Add vehicle and card")
        self.fill("Licence plate", plate)
        self.tap("Add vehicle")
        self.see(re.compile(f"Remove {re.escape(plate.upper())}"))
        self.tap(re.compile(f"^Add {re.escape(card)}"))
        self.see(re.compile(r"•••• \d{4}"))
        self.page.go_back()
        self.see("Where are you parking?")


def _new_page(browser, **context_options) -> tuple:
    context_options.setdefault("viewport", {"width": 420, "height": 900})
    context = browser.new_context(**context_options)
    page = context.new_page()
    # Offline by construction: anything not on loopback is refused (no CDN, no fonts from the internet).
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1"))
            else route.abort()
        ),
    )
    return context, page


def _open_app(browser, stack: Stack, **context_options) -> tuple:
    context, page = _new_page(browser, **context_options)
    return context, App(page, stack).open()


@pytest.fixture
def app(browser, stack: Stack) -> Iterator[App]:
    context, opened = _open_app(browser, stack)
    yield opened
    context.close()


@pytest.fixture
def app_at(browser, stack: Stack) -> Iterator:
    """The app on a phone that shares its position: `app_at(lat, lon)`."""
    contexts = []

    def open_at(lat: float, lon: float) -> App:
        context, opened = _open_app(
            browser, stack, geolocation={"latitude": lat, "longitude": lon}, permissions=["geolocation"]
        )
        contexts.append(context)
        return opened

    yield open_at
    for context in contexts:
        context.close()


def unique(prefix: str) -> str:
    return f"{prefix}{time.time_ns() % 10**9}"


class AdminApp(App):
    """An operator's browser tab on the admin view (a laptop window)."""

    def sign_in(self, email: str, password: str = "parkflow-demo") -> None:
        self.fill("Work email", email)
        self.fill("Password", password)
        self.tap("Sign in")

    def section(self, name: str | re.Pattern) -> None:
        """A section of the navigation rail."""
        label = name if isinstance(name, re.Pattern) else re.compile(f"^{re.escape(name)}")
        self.page.get_by_role("button", name=label).first.click()


@pytest.fixture
def admin(browser, stack: Stack) -> Iterator:
    """A new admin view tab on a 1440x900 laptop: `admin()`; several may be open at once."""
    contexts = []

    def open_admin() -> AdminApp:
        context, page = _new_page(browser, viewport={"width": 1440, "height": 900}, accept_downloads=True)
        contexts.append(context)
        return AdminApp(page, Stack(stack.api, stack.app.replace("/driver", "/admin"), stack.log)).open()

    yield open_admin
    for context in contexts:
        context.close()

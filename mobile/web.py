"""The apps in web mode: one ASGI server hosting the driver app at `/driver` and the operator admin view
at `/admin`, offline (`no_cdn`: nothing is fetched from the internet). The apps' Python runs here, one
session per browser tab, and still reaches the backend only over HTTP, as the phone app does.

Run alone: `python -m mobile.web --api-url http://127.0.0.1:8000 --port 8550`.
"""

import argparse
import os

import flet.fastapi as flet_fastapi

from mobile.admin.app import http_api, run_admin_app
from mobile.config import AppConfig
from mobile.driver.app import http_services, run_driver_app

DRIVER_PATH = "/driver"
ADMIN_PATH = "/admin"


def create_web_app(config: AppConfig):
    os.environ.setdefault("FLET_WEB_NO_CDN", "true")
    app = flet_fastapi.FastAPI(title="Parkflow apps")

    def driver_main(page) -> None:
        run_driver_app(page, lambda: http_services(config))

    def admin_main(page) -> None:
        run_admin_app(page, lambda: http_api(config))

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.mount(DRIVER_PATH, flet_fastapi.app(driver_main, no_cdn=True))
    app.mount(ADMIN_PATH, flet_fastapi.app(admin_main, no_cdn=True))
    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the Parkflow apps in web mode.")
    parser.add_argument("--api-url", default=AppConfig.from_env().api_url)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8550)
    args = parser.parse_args()
    uvicorn.run(create_web_app(AppConfig(api_url=args.api_url)), host=args.host, port=args.port)


if __name__ == "__main__":
    main()

"""Entry point of the phone and desktop builds (`flet run mobile/main.py`, `flet build apk|ipa`).

The backend is `PARKFLOW_API_URL` (default http://127.0.0.1:8000). `make demo` serves the same app in the
browser instead (mobile/web.py).
"""

import flet as ft

from mobile.driver.app import main

if __name__ == "__main__":
    ft.run(main)

"""Entry point of the operator admin view as a desktop window (`flet run mobile/admin_main.py`).

The backend is `PARKFLOW_API_URL` (default http://127.0.0.1:8000). `make demo` serves the same view in
the browser at /admin (mobile/web.py).
"""

import flet as ft

from mobile.admin.app import main

if __name__ == "__main__":
    ft.run(main)

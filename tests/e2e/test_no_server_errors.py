"""Nothing a client can send produces a 500: schemathesis generates valid and invalid requests for
every operation of the OpenAPI page and sends them to a real server with the demo data loaded,
signed in as a driver, an operator admin and with an enforcement key."""

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from backend.main import create_app
from shared.errors import ErrorCode
from tests.backend.conftest import make_settings

schema = schemathesis.openapi.from_dict(create_app(make_settings("sqlite://:memory:")).openapi())

DRIVER = {"email": "fuzz.driver@example.test", "password": "fuzzing-is-fun-42", "name": "Fuzz"}
ADMIN = {"username": "admin@helsinki.test", "password": "parkflow-demo"}
CODES = {code.value for code in ErrorCode}


@pytest.fixture(scope="session")
def credentials(live_server) -> dict[str, str]:
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        http.post("/api/v1/auth/register", json=DRIVER)
        driver = http.post(
            "/api/v1/auth/token", data={"username": DRIVER["email"], "password": DRIVER["password"]}
        )
        admin = http.post("/api/v1/admin/auth/token", data=ADMIN)
    assert driver.status_code == 200, driver.text
    assert admin.status_code == 200, admin.text
    return {"driver": driver.json()["access_token"], "operator": admin.json()["access_token"]}


def _headers(path: str, credentials: dict[str, str]) -> dict[str, str]:
    if path.startswith("/api/v1/admin"):
        return {"Authorization": f"Bearer {credentials['operator']}"}
    return {
        "Authorization": f"Bearer {credentials['driver']}",
        "x-api-key": "ek_demo_helsinki_0123456789abcdef",
    }


BROWSER_PAGES = {"/api/v1/invoices/print"}


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case, live_server, credentials) -> None:
    headers = {**_headers(case.path, credentials), **(case.headers or {})}
    response = case.call(base_url=live_server.url, headers=headers, timeout=10)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}"
    )
    content_type = response.headers.get("content-type") or [""]  # schemathesis: a list per header
    if response.status_code >= 400 and content_type[0].startswith("text/html"):
        # Only a link people open in a browser answers an error with a page, and says why on it.
        assert case.path in BROWSER_PAGES, f"{case.method} {case.formatted_path}: an HTML error"
        assert "<h1>" in response.text
    elif response.status_code >= 400 and case.path != "/health":
        body = response.json()
        assert set(body) == {"detail", "code"}, body
        assert body["code"] in CODES, body
        assert body["detail"], body

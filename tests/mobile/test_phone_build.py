"""`flet build` needs a Flutter SDK (not on these machines), so check what it would package instead: the
entry module exists, the phone gets only phone-safe dependencies, and the app's import graph never
reaches the backend or server-only packages."""

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
SERVER_ONLY = {
    "fastapi",
    "uvicorn",
    "tortoise-orm",
    "asyncpg",
    "aiosqlite",
    "stripe",
    "aiosmtplib",
    "flet-web",
}


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_build_entry_point_is_where_the_config_says() -> None:
    app = _pyproject()["tool"]["flet"]["app"]
    entry = REPO / app["path"] / f"{app['module']}.py"
    assert entry.is_file()
    assert "ft.run(main)" in entry.read_text(encoding="utf-8")


def test_phones_get_no_server_only_dependency() -> None:
    config = _pyproject()
    for platform in ("android", "ios"):
        names = {Requirement(r).name.lower() for r in config["tool"]["flet"][platform]["dependencies"]}
        names |= {Requirement(r).name.lower() for r in config["project"]["dependencies"]}
        assert not names & SERVER_ONLY, platform
        assert "parkflow" in names  # shared/ and mobile/ travel as this project's wheel
    assert config["tool"]["flet"]["dev_packages"]["parkflow"] == "."


def test_the_app_imports_nothing_of_the_backend_or_the_web_server() -> None:
    probe = (
        "import sys, mobile.main, mobile.driver.app; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'backend', 'fastapi', 'tortoise', 'uvicorn', 'starlette', 'flet_web'}); "
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_backend_address_comes_from_the_environment_or_the_bundled_file(tmp_path, monkeypatch) -> None:
    from mobile.config import AppConfig

    bundled = tmp_path / "app_config.json"
    bundled.write_text('{"api_url": "https://api.parkflow.example/"}', encoding="utf-8")
    monkeypatch.delenv("PARKFLOW_API_URL", raising=False)
    assert AppConfig.from_env(bundled).api_url == "https://api.parkflow.example"
    monkeypatch.setenv("PARKFLOW_API_URL", "http://127.0.0.1:9999")
    assert AppConfig.from_env(bundled).api_url == "http://127.0.0.1:9999"
    assert AppConfig.from_env(tmp_path / "missing.json").api_url == "http://127.0.0.1:9999"

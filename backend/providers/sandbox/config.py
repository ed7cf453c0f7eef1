"""Which connections the sandbox knows (credentials, token lifetime, zones) and its URL layout.

A config file (JSON or YAML) looks like:

    connections:
      - {name: passport-a, flavour: passport, client_id: a, client_secret: a-secret, token_expires_in: 60}
      - {name: pbp-a, flavour: paybyphone, api_key: pbp-a-key, zones: ["1234", "4101"]}
    faults:
      - {connection: passport-a, endpoint: start, kind: status, status: 503, times: 2}
    include_defaults: true   # keep the built-in demo connections as well

Without `connections`, or with `include_defaults: true`, the built-in demo set is served.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backend.providers.sandbox.faults import FaultSpec

Flavour = Literal["passport", "paybyphone", "easypark", "data"]


@dataclass(frozen=True)
class FlavourLayout:
    base_path: str
    auth: Literal["oauth2", "bearer", "x-api-key"]
    id_prefix: str
    token_path: str | None = None


LAYOUTS: dict[str, FlavourLayout] = {
    "passport": FlavourLayout("/passport/parking/v2", "oauth2", "pp_", "/passport/oauth/token"),
    "paybyphone": FlavourLayout("/paybyphone/v1", "bearer", "pbp_"),
    "easypark": FlavourLayout("/easypark/v1", "x-api-key", "ep_"),
    "data": FlavourLayout("/data/v1", "x-api-key", "lot_"),
}

# Demo credentials: printed by `parkflow provider-sandbox`, never valid anywhere real.
DEMO_PASSPORT_CLIENT_ID = "passport-demo"
DEMO_PASSPORT_CLIENT_SECRET = "pp_demo_secret_0123456789"  # noqa: S105 - public demo value
DEMO_PAYBYPHONE_KEY = "pbp_demo_key_0123456789"
DEMO_EASYPARK_KEY = "ep_demo_key_0123456789"
DEMO_DATA_KEY = "data_demo_key_0123456789"


class ConnectionConfig(BaseModel):
    """One set of credentials at one provider flavour; sessions belong to the connection."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    flavour: Flavour
    client_id: str | None = Field(default=None, min_length=1)
    client_secret: str | None = Field(default=None, min_length=1)
    api_key: str | None = Field(default=None, min_length=1)
    token_expires_in: int = Field(default=300, ge=1, le=86_400, description="OAuth2 token lifetime, s")
    zones: list[str] | None = Field(default=None, description="Zone numbers accepted; omitted = any")

    @model_validator(mode="after")
    def _credentials(self) -> Self:
        if self.flavour == "passport":
            if not (self.client_id and self.client_secret) or self.api_key:
                raise ValueError("a passport connection takes client_id and client_secret (no api_key)")
        elif not self.api_key or self.client_id or self.client_secret:
            raise ValueError(f"a {self.flavour} connection takes api_key (no client_id/client_secret)")
        return self

    @property
    def layout(self) -> FlavourLayout:
        return LAYOUTS[self.flavour]

    def urls(self, root: str) -> dict[str, str]:
        """base_url (and token_url for OAuth2) of this connection on a server at `root`."""
        root = root.rstrip("/")
        urls = {"base_url": root + self.layout.base_path}
        if self.layout.token_path:
            urls["token_url"] = root + self.layout.token_path
        return urls


def default_connections() -> list[ConnectionConfig]:
    return [
        ConnectionConfig(
            name="passport-demo",
            flavour="passport",
            client_id=DEMO_PASSPORT_CLIENT_ID,
            client_secret=DEMO_PASSPORT_CLIENT_SECRET,
        ),
        ConnectionConfig(name="paybyphone-demo", flavour="paybyphone", api_key=DEMO_PAYBYPHONE_KEY),
        ConnectionConfig(name="easypark-demo", flavour="easypark", api_key=DEMO_EASYPARK_KEY),
        ConnectionConfig(name="data-demo", flavour="data", api_key=DEMO_DATA_KEY),
    ]


class SandboxConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connections: list[ConnectionConfig] = Field(default_factory=default_connections)
    faults: list[FaultSpec] = Field(default_factory=list, description="Active from start-up (and reset)")
    include_defaults: bool = False
    data_dir: Path | None = Field(default=None, description="Folder of the data API's seed files")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.include_defaults:
            names = {connection.name for connection in self.connections}
            extra = [c for c in default_connections() if c.name not in names]
            self.connections = [*self.connections, *extra]
            self.include_defaults = False
        _unique([c.name for c in self.connections], "connection name")
        _unique([c.client_id for c in self.connections if c.client_id], "client_id")
        for flavour in LAYOUTS:
            _unique([c.api_key for c in self.connections if c.flavour == flavour and c.api_key], "api_key")
        names = {connection.name for connection in self.connections}
        for index, fault in enumerate(self.faults):
            if fault.connection is not None and fault.connection not in names:
                raise ValueError(
                    f"faults[{index}] names connection '{fault.connection}', which is not defined"
                )
        return self

    def connection(self, name: str) -> ConnectionConfig | None:
        return next((c for c in self.connections if c.name == name), None)


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"two connections share the {what} '{value}'; each must be unique")
        seen.add(value)


class SandboxConfigError(Exception):
    """The config file cannot be read or is invalid; the message names the file and the entry."""


def load_config(path: Path | None) -> SandboxConfig:
    """The config in `path` (JSON or YAML), or the built-in demo set when `path` is None."""
    if path is None:
        return SandboxConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SandboxConfigError(f"{path}: cannot read the sandbox config ({exc.strerror}).") from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SandboxConfigError(f"{path}: not valid JSON/YAML ({exc}).") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SandboxConfigError(f"{path}: the top level must be a mapping with 'connections' and 'faults'.")
    try:
        return SandboxConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'config'}: {error['msg']}"
            for error in exc.errors()
        )
        raise SandboxConfigError(f"{path}: {problems}") from None


def describe(config: SandboxConfig, root: str) -> str:
    """What a person needs to connect to the sandbox at `root`: URLs and credentials per connection."""
    lines = [f"Parkflow provider sandbox on {root}", ""]
    for c in config.connections:
        urls = c.urls(root)
        if c.flavour == "passport":
            lines.append(
                f"  {c.name}  (passport, OAuth2 client credentials, tokens live {c.token_expires_in} s)"
            )
            lines.append(f"      base_url      {urls['base_url']}")
            lines.append(f"      token_url     {urls['token_url']}")
            lines.append(f"      client_id     {c.client_id}")
            lines.append(f"      client_secret {c.client_secret}")
        elif c.flavour == "data":
            lines.append(f"  {c.name}  (parking data API, header X-Api-Key)")
            lines.append(
                f"      lots          {urls['base_url']}/lots?lat=41.4993&lon=-81.6944&radius_m=1000"
            )
            lines.append(f"      api_key       {c.api_key}")
        else:
            header = (
                "Authorization: Bearer <api_key>" if c.flavour == "paybyphone" else "X-Api-Key: <api_key>"
            )
            lines.append(f"  {c.name}  ({c.flavour}, header {header})")
            lines.append(f"      base_url      {urls['base_url']}")
            lines.append(f"      api_key       {c.api_key}")
        if c.zones:
            lines.append(f"      zones         {', '.join(c.zones)}")
    lines += [
        "",
        f"  Faults, sessions, stats, reset, clock: {root}/_sandbox/...   API docs: {root}/docs",
    ]
    if config.faults:
        lines.append(f"  {len(config.faults)} fault(s) active from the config file.")
    return "\n".join(lines)

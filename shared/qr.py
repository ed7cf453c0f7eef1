"""Signed sign payloads: what the QR code on a parking sign says, and how we tell ours from a sticker.

The payload is a URL, so a phone's own camera opens the driver web app:

    {app_url}/s/{facility_slug}?z={zone_number}&k={key_id}&s={signature}

`signature` is HMAC-SHA256 over the canonical message (format version, slug, zone number), truncated
to 16 bytes and written base64url without padding (22 characters). `key_id` names the key that
signed, so several keys can be accepted while signs are reprinted after a rotation. The app's base
URL is not signed, so printed signs survive a move of the web app; the backend checks it separately.
Anything that does not parse, or does not verify, is "not ours" — never followed, never paid through.

Pure: no I/O. Version 1 is implicit (no `v` parameter); a later format would add one.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

FORMAT_VERSION = "1"
SIGNATURE_BYTES = 16
MAX_PAYLOAD_CHARS = 2048
SIGN_PATH = "/s/"

# The same shapes the onboarding file allows (shared.schemas.onboarding): the message is unambiguous
# because none of them can contain the separator.
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
ZONE_PATTERN = re.compile(r"[A-Za-z0-9-]{1,20}")
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
_SIGNATURE_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")
_SEPARATOR = "\x1f"


class ParseError(ValueError):
    """The text is not a Parkflow sign payload; `str(error)` says which part is wrong."""


@dataclass(frozen=True)
class SignPayload:
    """A parsed sign payload: where it points and what it claims, not yet verified."""

    app_url: str
    slug: str
    zone_number: str
    key_id: str
    signature: str

    @property
    def url(self) -> str:
        return _url(self.app_url, self.slug, self.zone_number, self.key_id, self.signature)


def normalize_app_url(app_url: str) -> str:
    """`HTTPS://Host/driver/` and `https://host/driver` are one app: scheme and host lower-cased,
    no trailing slash."""
    parts = urlsplit(app_url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{app_url}' is not an http(s) URL")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _message(slug: str, zone_number: str) -> bytes:
    return _SEPARATOR.join(("parkflow-sign", FORMAT_VERSION, slug, zone_number)).encode("ascii")


def _signature(key: bytes, slug: str, zone_number: str) -> str:
    digest = hmac.new(key, _message(slug, zone_number), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _url(app_url: str, slug: str, zone_number: str, key_id: str, signature: str) -> str:
    return f"{app_url}{SIGN_PATH}{slug}?z={quote(zone_number)}&k={key_id}&s={signature}"


def _check(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"invalid {what}: {value!r}")
    return value


def make_sign_payload(app_url: str, slug: str, zone_number: str, key_id: str, key: bytes) -> str:
    """The URL to print as the sign's QR code, signed with `key` (named `key_id`)."""
    _check(slug, SLUG_PATTERN, "facility slug")
    _check(zone_number, ZONE_PATTERN, "zone number")
    _check(key_id, KEY_ID_PATTERN, "key id")
    if not key:
        raise ValueError("the signing key is empty")
    return _url(normalize_app_url(app_url), slug, zone_number, key_id, _signature(key, slug, zone_number))


def _one(query: dict[str, list[str]], name: str, what: str) -> str:
    values = query.get(name)
    if not values:
        raise ParseError(f"the {what} ('{name}=') is missing")
    if len(values) > 1:
        raise ParseError(f"the {what} ('{name}=') is given more than once")
    return values[0]


def _canonical_signature(text: str) -> str:
    # 22 base64 characters carry 132 bits for 128: the last one has unused bits. Decoding would
    # ignore them, so two texts could carry one signature; only the canonical spelling is accepted.
    if not _SIGNATURE_PATTERN.fullmatch(text):
        raise ParseError("the signature ('s=') is not 22 base64url characters")
    raw = base64.urlsafe_b64decode(text + "==")
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != text:
        raise ParseError("the signature ('s=') is not canonically encoded")
    return text


def parse_sign_payload(text: str, *, app_url: str | None = None) -> SignPayload:
    """Split a scanned text into its parts, or raise ParseError saying what is not ours about it.

    With `app_url`, the payload must also point at that app (a copied signature on a sticker that
    sends the phone's camera to another site is refused too)."""
    text = text.strip()
    if not text:
        raise ParseError("the code is empty")
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ParseError("the code is far too long to be a sign")
    try:
        parts = urlsplit(text)
        normalize_app_url(f"{parts.scheme}://{parts.netloc}")
    except ValueError:
        raise ParseError("the code is not a web address") from None
    app_path, marker, slug = parts.path.rpartition(SIGN_PATH)
    if not marker:
        raise ParseError("the address is not a sign address (no '/s/<facility>' path)")
    if not SLUG_PATTERN.fullmatch(slug):
        raise ParseError("the facility in the address is not a facility name")
    base = normalize_app_url(f"{parts.scheme}://{parts.netloc}{app_path}")
    if app_url is not None and base != normalize_app_url(app_url):
        raise ParseError("the address points to another site")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    zone_number = _one(query, "z", "zone number")
    key_id = _one(query, "k", "key id")
    signature = _canonical_signature(_one(query, "s", "signature"))
    if not ZONE_PATTERN.fullmatch(zone_number):
        raise ParseError("the zone number ('z=') is not a zone number")
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise ParseError("the key id ('k=') is malformed")
    return SignPayload(base, slug, zone_number, key_id, signature)


def verify(parsed: SignPayload, keys: dict[str, bytes]) -> bool:
    """Whether one of our keys (by id) signed this slug and zone number. Constant-time compare."""
    key = keys.get(parsed.key_id)
    if not key:
        return False
    expected = _signature(key, parsed.slug, parsed.zone_number)
    return hmac.compare_digest(expected.encode("ascii"), parsed.signature.encode("ascii"))


def parse_key_list(text: str) -> dict[str, bytes]:
    """`"kid:secret,kid2:secret2"` → `{kid: secret bytes}` in the order given (the first signs).

    Secrets may contain ':' but not ','; each must be at least 16 characters."""
    keys: dict[str, bytes] = {}
    for position, item in enumerate(text.split(","), start=1):
        key_id, colon, secret = item.strip().partition(":")
        if not colon:
            raise ValueError(f"key {position} is not 'kid:secret'")
        if not KEY_ID_PATTERN.fullmatch(key_id):
            raise ValueError(f"key {position}: the key id may hold only A-Z a-z 0-9 _ - (1 to 32 characters)")
        if len(secret) < 16:
            raise ValueError(f"key '{key_id}': the secret must be at least 16 characters")
        if key_id in keys:
            raise ValueError(f"key id '{key_id}' is given twice")
        keys[key_id] = secret.encode("utf-8")
    return keys

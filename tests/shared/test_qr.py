"""Sign payloads: ours round-trip and verify; any change, another key or another shape does not."""

import base64
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.qr import (
    ParseError,
    SignPayload,
    make_sign_payload,
    parse_key_list,
    parse_sign_payload,
    verify,
)

APP = "http://127.0.0.1:8550/driver"
KEY = b"sign-key-for-tests-0123456789abcdef"
KEYS = {"k1": KEY}

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,63}", fullmatch=True)
zones = st.from_regex(r"[A-Za-z0-9-]{1,20}", fullmatch=True)
key_ids = st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True)
keys = st.binary(min_size=16, max_size=64)
app_urls = st.sampled_from([APP, "https://pay.example.com", "https://example.com/apps/driver/"])
# Printable ASCII: letters of other case, digits, and the characters that change a URL's structure.
replacements = st.characters(codec="ascii", min_codepoint=33, max_codepoint=126)


def _signed(slug: str = "kamppi-p1", zone: str = "1234") -> str:
    return make_sign_payload(APP, slug, zone, "k1", KEY)


def _accepted(text: str, keys_by_id: dict[str, bytes]) -> bool:
    try:
        return verify(parse_sign_payload(text), keys_by_id)
    except ParseError:
        return False


@given(app=app_urls, slug=slugs, zone=zones, key_id=key_ids, key=keys)
def test_a_signed_payload_round_trips_and_verifies(
    app: str, slug: str, zone: str, key_id: str, key: bytes
) -> None:
    text = make_sign_payload(app, slug, zone, key_id, key)
    parsed = parse_sign_payload(text, app_url=app)
    assert (parsed.slug, parsed.zone_number, parsed.key_id) == (slug, zone, key_id)
    assert parsed.app_url == app.rstrip("/")
    assert parsed.url == text
    assert verify(parsed, {key_id: key})
    assert not verify(parsed, {key_id: key + b"x"})


@given(
    slug=slugs,
    zone=zones,
    part=st.sampled_from(["slug", "zone", "signature"]),
    position=st.integers(min_value=0),
    new_char=replacements,
)
def test_any_single_character_change_is_refused(
    slug: str, zone: str, part: str, position: int, new_char: str
) -> None:
    parsed = parse_sign_payload(_signed(slug, zone))
    fields = {"slug": parsed.slug, "zone": parsed.zone_number, "signature": parsed.signature}
    value = fields[part]
    at = position % len(value)
    if value[at] == new_char:
        return
    fields[part] = value[:at] + new_char + value[at + 1 :]
    tampered = f"{APP}/s/{fields['slug']}?z={fields['zone']}&k=k1&s={fields['signature']}"
    assert not _accepted(tampered, KEYS), tampered


def test_a_signature_spelled_with_different_unused_bits_is_refused() -> None:
    """22 base64 characters carry 4 bits more than 16 bytes; a last character that differs only in
    them decodes to the same bytes and must still be refused."""
    parsed = parse_sign_payload(_signed())
    raw = base64.urlsafe_b64decode(parsed.signature + "==")
    twins = [
        parsed.signature[:-1] + c
        for c in string.ascii_letters + string.digits + "-_"
        if c != parsed.signature[-1] and base64.urlsafe_b64decode(parsed.signature[:-1] + c + "==") == raw
    ]
    assert twins, "expected another spelling of the same bytes"
    for twin in twins:
        with pytest.raises(ParseError, match="canonically"):
            parse_sign_payload(_signed().replace(parsed.signature, twin))


def test_another_key_or_an_unknown_key_id_does_not_verify() -> None:
    parsed = parse_sign_payload(_signed())
    assert verify(parsed, KEYS)
    assert not verify(parsed, {"k1": b"someone-else's-key-0123456789"})
    assert not verify(parsed, {"k2": KEY})
    assert not verify(parsed, {})


def test_several_keys_verify_during_a_rotation() -> None:
    old = parse_sign_payload(make_sign_payload(APP, "kamppi-p1", "1234", "old", b"old-key-0123456789abcdef"))
    new = parse_sign_payload(make_sign_payload(APP, "kamppi-p1", "1234", "new", b"new-key-0123456789abcdef"))
    rotating = {"new": b"new-key-0123456789abcdef", "old": b"old-key-0123456789abcdef"}
    assert verify(old, rotating)
    assert verify(new, rotating)
    assert not verify(old, {"new": rotating["new"]})


def test_the_key_id_is_not_enough_to_move_a_signature_to_another_facility() -> None:
    signed = parse_sign_payload(_signed("kamppi-p1", "1234"))
    moved = SignPayload(signed.app_url, "hakaniementori", signed.zone_number, "k1", signed.signature)
    rezoned = SignPayload(signed.app_url, signed.slug, "1250", "k1", signed.signature)
    assert not verify(moved, KEYS)
    assert not verify(rezoned, KEYS)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("1234", "not a web address"),
        ("kamppi-p1", "not a web address"),
        ("ftp://127.0.0.1/driver/s/kamppi-p1?z=1234&k=k1&s=AAAAAAAAAAAAAAAAAAAAAA", "not a web address"),
        ("https://evil.example/pay?zone=1234", "not a sign address"),
        (f"{APP}/x/kamppi-p1?z=1234&k=k1&s=AAAAAAAAAAAAAAAAAAAAAA", "not a sign address"),
        (f"{APP}/s/Kamppi-P1?z=1234&k=k1&s=AAAAAAAAAAAAAAAAAAAAAA", "not a facility name"),
        (f"{APP}/s/kamppi-p1?k=k1&s=AAAAAAAAAAAAAAAAAAAAAA", "zone number .* missing"),
        (f"{APP}/s/kamppi-p1?z=1234&s=AAAAAAAAAAAAAAAAAAAAAA", "key id .* missing"),
        (f"{APP}/s/kamppi-p1?z=1234&k=k1", "signature .* missing"),
        (f"{APP}/s/kamppi-p1?z=1234&z=1240&k=k1&s=AAAAAAAAAAAAAAAAAAAAAA", "more than once"),
        (f"{APP}/s/kamppi-p1?z=12 34&k=k1&s=AAAAAAAAAAAAAAAAAAAAAA", "not a zone number"),
        (f"{APP}/s/kamppi-p1?z=1234&k=k1&s=AAAA", "22 base64url"),
        (f"{APP}/s/kamppi-p1?z=1234&k=k1&s=" + "A" * 3000, "far too long"),
    ],
)
def test_what_is_not_a_sign_payload_says_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_sign_payload(text)


def test_a_payload_for_another_app_is_refused_when_the_app_is_given() -> None:
    text = _signed()
    assert parse_sign_payload(text, app_url="HTTP://127.0.0.1:8550/driver/").slug == "kamppi-p1"
    copied = text.replace("http://127.0.0.1:8550", "https://evil.example")
    assert verify(parse_sign_payload(copied), KEYS)  # the signature is copied...
    with pytest.raises(ParseError, match="another site"):  # ...but it points elsewhere
        parse_sign_payload(copied, app_url=APP)


def test_scanner_whitespace_around_the_text_is_ignored() -> None:
    assert parse_sign_payload(f"  {_signed()}\n").slug == "kamppi-p1"


@pytest.mark.parametrize(
    ("slug", "zone", "key_id"),
    [("Kamppi", "1234", "k1"), ("kamppi-p1", "12 34", "k1"), ("kamppi-p1", "1234", "k:1")],
)
def test_signing_refuses_what_could_not_be_parsed_back(slug: str, zone: str, key_id: str) -> None:
    with pytest.raises(ValueError, match="invalid"):
        make_sign_payload(APP, slug, zone, key_id, KEY)


def test_key_lists_keep_their_order_and_refuse_weak_or_malformed_keys() -> None:
    parsed = parse_key_list("new:new-secret-0123456789, old:old:secret-0123456789")
    assert list(parsed) == ["new", "old"]
    assert parsed["old"] == b"old:secret-0123456789"
    for text, message in [
        ("nokey", "not 'kid:secret'"),
        ("k1:short", "at least 16"),
        ("k 1:secret-0123456789abc", "key id"),
        ("k1:secret-0123456789abc,k1:secret-0123456789xyz", "twice"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_key_list(text)

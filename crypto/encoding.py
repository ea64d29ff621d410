"""Canonical encoding for everything that is signed or bound as associated data.

Canonical JSON: UTF-8, keys sorted, no insignificant whitespace, integers only (no floats),
binary as unpadded base64url. Two encoders given the same value produce the same bytes, so a
signature never depends on a serialiser's whim. See docs/protocol.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from crypto.errors import EncodingError

MAX_INT = 2**63 - 1


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str, *, size: int | None = None) -> bytes:
    if not isinstance(text, str) or len(text) > 16_000_000:
        raise EncodingError("expected base64url text")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise EncodingError("invalid base64url") from exc
    if b64e(data) != text:
        raise EncodingError("non-canonical base64url")
    if size is not None and len(data) != size:
        raise EncodingError(f"expected {size} bytes, got {len(data)}")
    return data


def _utf8(text: str) -> None:
    # Lone surrogates survive json.loads but cannot be encoded: refuse them as bad input.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EncodingError("text is not valid Unicode") from None


def _check(value: Any, depth: int = 0) -> None:
    if depth > 16:
        raise EncodingError("value nested too deeply")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        _utf8(value)
        return
    if isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            raise EncodingError("integer out of range")
        return
    if isinstance(value, list):
        for v in value:
            _check(v, depth + 1)
        return
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise EncodingError("object keys must be strings")
            _utf8(k)
            _check(v, depth + 1)
        return
    raise EncodingError(f"type {type(value).__name__} cannot be canonically encoded")


def canonical(value: Any) -> bytes:
    """Encode ``value`` (dict/list/str/int/bool/None) as canonical JSON bytes."""
    _check(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def parse_canonical(data: bytes) -> Any:
    """Parse bytes that must be canonical JSON; anything else is an :class:`EncodingError`."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise EncodingError("not valid JSON") from exc
    if canonical(value) != data:
        raise EncodingError("not in canonical form")
    return value


def parse_json_object(data: bytes | str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise EncodingError(f"{what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise EncodingError(f"{what} must be a JSON object")
    return value


def field(d: dict[str, Any], key: str, typ: type, what: str) -> Any:
    v = d.get(key)
    if typ is int and (isinstance(v, bool) or not isinstance(v, int)):
        raise EncodingError(f"{what}: field {key!r} must be an integer")
    if not isinstance(v, typ):
        raise EncodingError(f"{what}: field {key!r} must be {typ.__name__}")
    return v

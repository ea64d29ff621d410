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
# Fast path of parse_canonical: floats, NaN and integers out of range refused while parsing;
# made once (json.loads and json.dumps build a new decoder or encoder on every call given
# options).
_DECODER = json.JSONDecoder(parse_float=lambda _: _refuse(), parse_int=lambda t: _int(t),
                            parse_constant=lambda _: _refuse())
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False)


def _encode_fast(value: Any) -> str:
    """``_ENCODER.encode(value)`` for a value json parsed (no cycles), through one C encoder
    made once: ``encode`` builds a new one on every call, which costs more than encoding a
    small header."""
    return "".join(_C_ENCODE(value, 0)) if _C_ENCODE is not None else _ENCODER.encode(value)


def _unencodable(value: Any) -> Any:
    raise TypeError(f"type {type(value).__name__} cannot be encoded")


_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE: Any = None if _c_make_encoder is None else _c_make_encoder(
    None, _unencodable, json.encoder.encode_basestring, None, ":", ",", True, False, False)
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_PAD = (b"", b"===", b"==", b"=")  # by length modulo 4, as urlsafe_b64decode is given it


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str, *, size: int | None = None) -> bytes:
    # The same decoding as base64.urlsafe_b64decode and the same canonical test (re-encoding
    # gives the text back), without the base64 module's wrappers; whatever does not pass
    # goes through _b64d_checked, which refuses it with the reason.
    if type(text) is str and len(text) <= 16_000_000 and text.isascii():
        raw = text.encode("ascii")
        try:
            data = binascii.a2b_base64(raw.translate(_FROM_URLSAFE) + _PAD[len(raw) % 4])
        except binascii.Error:
            data = None
        if data is not None and binascii.b2a_base64(data, newline=False).translate(
                _TO_URLSAFE).rstrip(b"=") == raw and (size is None or len(data) == size):
            return data
    return _b64d_checked(text, size)


def _b64d_checked(text: str, size: int | None) -> bytes:
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


class _Refused(Exception):
    """A float or NaN met while parsing (fast path of :func:`parse_canonical` only)."""


def _refuse() -> Any:
    raise _Refused()


def _int(text: str) -> int:
    value = int(text)
    if not -MAX_INT <= value <= MAX_INT:
        raise _Refused()
    return value


def canonical(value: Any) -> bytes:
    """Encode ``value`` (dict/list/str/int/bool/None) as canonical JSON bytes."""
    _check(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def parse_canonical(data: bytes) -> Any:
    """Parse bytes that must be canonical JSON; anything else is an :class:`EncodingError`."""
    # Fast path, without the walk of canonical(): floats, NaN and integers out of range are
    # refused while parsing, lone surrogates fail the UTF-8 encoding of the re-encoded text,
    # and the value is walked for its depth only if it has more than 16 brackets. What it
    # accepts, the checked path accepts with the same value; anything else, including every
    # error, is decided by the checked path, with its messages.
    try:
        if type(data) is bytes:
            text = data.decode("utf-8")
            value = _DECODER.decode(text)
            if text.count("[") + text.count("{") > 16:
                _check(value)
            if _encode_fast(value).encode("utf-8") == data:
                return value
    except (_Refused, EncodingError, UnicodeError, ValueError, RecursionError):
        pass
    return _parse_canonical_checked(data)


def _parse_canonical_checked(data: bytes) -> Any:
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

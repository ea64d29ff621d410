"""Value types shared by the intel formats, and the STIX 2.1 / TLP marking vocabulary.

Reports, briefs, advisories, STIX and KEV all speak about the same things: typed indicators
(observables), CVE and ATT&CK ids, labels, bilingual pick-lists. They live here so every
format validates them the same way. STIX export and import are in ``intel.stix_export`` and
``intel.stix_import``.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import json
import re
import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from intel.errors import FormatError, LabelError
from intel.markings import TLP, TLP2_EXTENSION_ID, TLP2_STIX_IDS, Label

__all__ = [
    "Bilingual",
    "IndicatorType",
    "Indicator",
    "CveId",
    "TechniqueId",
    "CweId",
    "LabelText",
    "normalise_indicator",
    "indicator_from_pattern",
    "problems_from_validation_error",
    "load_json",
    "to_json_text",
    "TLP1_STIX_IDS",
    "OPENCTI_TLP_IDS",
    "tlp_for_marking_ref",
    "tlp_from_marking_definition",
    "tlp_marking_definition",
    "stix_timestamp",
    "stix_id",
    "is_stix_id",
]


class Bilingual(enum.StrEnum):
    """A pick-list whose members carry English and Japanese display names.

    The value is the wire token (stable, ASCII); the names are for people.
    """

    name_en: str
    name_ja: str

    def __new__(cls, value: str, name_en: str = "", name_ja: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.name_en = name_en or value
        obj.name_ja = name_ja or value
        return obj

    def display(self, lang: str = "en") -> str:
        return self.name_ja if lang.lower().startswith("ja") else self.name_en

    @classmethod
    def choices(cls, lang: str = "en") -> list[tuple[str, str]]:
        """(value, display name) pairs in declaration order, for a form's pick-list."""
        return [(m.value, m.display(lang)) for m in cls]


# --------------------------------------------------------------------------- identifiers
_CVE_RE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
_TECHNIQUE_RE = re.compile(r"^T[0-9]{4}(\.[0-9]{3})?$")
_CWE_RE = re.compile(r"^CWE-[0-9]+$")


def _cve(value: str) -> str:
    v = value.strip().upper()
    if not _CVE_RE.match(v):
        raise ValueError(f"{value!r} is not a CVE id like CVE-2024-12345")
    return v


def _technique(value: str) -> str:
    v = value.strip().upper()
    if not _TECHNIQUE_RE.match(v):
        raise ValueError(f"{value!r} is not an ATT&CK technique id like T1566 or T1566.001")
    return v


def _cwe(value: str) -> str:
    v = value.strip().upper()
    if not _CWE_RE.match(v):
        raise ValueError(f"{value!r} is not a CWE id like CWE-79")
    return v


def _label_text(value: str) -> str:
    try:
        return Label.parse(value).canonical()
    except LabelError as exc:
        raise ValueError(str(exc)) from None


CveId = Annotated[
    str, AfterValidator(_cve),
    WithJsonSchema({"type": "string", "pattern": _CVE_RE.pattern}),
]
TechniqueId = Annotated[
    str, AfterValidator(_technique),
    WithJsonSchema({"type": "string", "pattern": _TECHNIQUE_RE.pattern}),
]
CweId = Annotated[
    str, AfterValidator(_cwe), WithJsonSchema({"type": "string", "pattern": _CWE_RE.pattern}),
]
# A label in canonical text form; the policy check (known level) is the caller's, since the
# models here do not know the deployment's policy.
LabelText = Annotated[
    str, AfterValidator(_label_text),
    WithJsonSchema({
        "type": "string", "maxLength": 512,
        "description": "Label LEVEL[/COMPARTMENT,...]//TLP:X[//REL:ORG,...]",
    }),
]


# --------------------------------------------------------------------------- indicators
class IndicatorType(Bilingual):
    IPV4 = "ipv4", "IPv4 address", "IPv4アドレス"
    IPV6 = "ipv6", "IPv6 address", "IPv6アドレス"
    DOMAIN = "domain", "Domain name", "ドメイン名"
    URL = "url", "URL", "URL"
    EMAIL = "email", "Email address", "メールアドレス"
    MD5 = "md5", "MD5 hash", "MD5ハッシュ値"
    SHA1 = "sha1", "SHA-1 hash", "SHA-1ハッシュ値"
    SHA256 = "sha256", "SHA-256 hash", "SHA-256ハッシュ値"
    SHA512 = "sha512", "SHA-512 hash", "SHA-512ハッシュ値"
    FILENAME = "filename", "File name", "ファイル名"


_HASH_LEN = {IndicatorType.MD5: 32, IndicatorType.SHA1: 40, IndicatorType.SHA256: 64,
             IndicatorType.SHA512: 128}
_HASH_STIX = {IndicatorType.MD5: "MD5", IndicatorType.SHA1: "'SHA-1'",
              IndicatorType.SHA256: "'SHA-256'", IndicatorType.SHA512: "'SHA-512'"}
_VALUE_STIX = {IndicatorType.IPV4: "ipv4-addr", IndicatorType.IPV6: "ipv6-addr",
               IndicatorType.DOMAIN: "domain-name", IndicatorType.URL: "url",
               IndicatorType.EMAIL: "email-addr"}
_DOMAIN_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EMAIL_LOCAL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# Analysts paste defanged indicators ("hxxp://evil[.]example"); accept and refang them.
_REFANG = [
    (re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.I), "."),
    (re.compile(r"\[@\]|\[at\]|\(at\)", re.I), "@"),
    (re.compile(r"\[:\]"), ":"),
    (re.compile(r"^hxxp", re.I), "http"),
    (re.compile(r"^fxp", re.I), "ftp"),
]


def _refang(text: str) -> str:
    for pattern, repl in _REFANG:
        text = pattern.sub(repl, text)
    return text


def _domain(value: str) -> str:
    v = value.strip().rstrip(".").lower()
    try:
        v = v.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{value!r} is not a valid domain name") from None
    labels = v.split(".")
    if (len(v) > 253 or len(labels) < 2 or labels[-1].isdigit()
            or not all(_DOMAIN_LABEL_RE.match(lb) for lb in labels)):
        raise ValueError(f"{value!r} is not a valid domain name")
    return v


def normalise_indicator(kind: IndicatorType, value: str) -> str:
    """Validate ``value`` as an indicator of ``kind``; return its canonical form.

    Raises ValueError with a message naming the problem.
    """
    v = value.strip()
    if not v:
        raise ValueError("an indicator value must not be empty")
    if _CONTROL_RE.search(v):
        raise ValueError("an indicator value must not contain control characters")
    if kind in (IndicatorType.IPV4, IndicatorType.IPV6, IndicatorType.DOMAIN,
                IndicatorType.URL, IndicatorType.EMAIL):
        v = _refang(v)
    if kind is IndicatorType.IPV4:
        try:
            return str(ipaddress.IPv4Address(v))
        except ValueError:
            raise ValueError(f"{value!r} is not a valid IPv4 address") from None
    if kind is IndicatorType.IPV6:
        try:
            return ipaddress.IPv6Address(v.strip("[]")).compressed
        except ValueError:
            raise ValueError(f"{value!r} is not a valid IPv6 address") from None
    if kind is IndicatorType.DOMAIN:
        return _domain(v)
    if kind is IndicatorType.EMAIL:
        local, sep, host = v.rpartition("@")
        if not sep or not _EMAIL_LOCAL_RE.match(local):
            raise ValueError(f"{value!r} is not a valid email address")
        try:
            return f"{local}@{_domain(host)}"
        except ValueError:
            raise ValueError(f"{value!r} is not a valid email address") from None
    if kind is IndicatorType.URL:
        return _url(value, v)
    if kind in _HASH_LEN:
        h = v.lower()
        if len(h) != _HASH_LEN[kind] or not re.fullmatch(r"[0-9a-f]+", h):
            raise ValueError(
                f"{value!r} is not a {kind.name_en}: expected {_HASH_LEN[kind]} hexadecimal digits"
            )
        return h
    # FILENAME
    if len(v) > 255:
        raise ValueError("a file name must be at most 255 characters")
    return v


def _url(original: str, v: str) -> str:
    if len(v) > 2048 or any(ch.isspace() for ch in v):
        raise ValueError(f"{original!r} is not a valid URL (no spaces, at most 2048 characters)")
    try:
        parts = urlsplit(v)
        host = parts.hostname
    except ValueError:
        raise ValueError(f"{original!r} is not a valid URL") from None
    if parts.scheme.lower() not in {"http", "https", "ftp", "ftps", "ws", "wss"} or not host:
        raise ValueError(f"{original!r} is not a valid URL: expected http(s)://host/...")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            _domain(host)
        except ValueError:
            raise ValueError(f"{original!r} is not a valid URL: bad host {host!r}") from None
    return v


def _stix_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Indicator(BaseModel):
    """One typed indicator (an observable value), validated and normalised."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    type: IndicatorType
    value: str = Field(min_length=1, max_length=2048)
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("value"), str):
            raw_type = data.get("type")
            try:
                kind = IndicatorType(raw_type)
            except ValueError:
                return data  # the enum validation reports the bad type
            return {**data, "value": normalise_indicator(kind, data["value"])}
        return data

    def stix_pattern(self) -> str:
        """A STIX 2.1 pattern matching exactly this indicator."""
        if self.type in _VALUE_STIX:
            return f"[{_VALUE_STIX[self.type]}:value = {_stix_string(self.value)}]"
        if self.type in _HASH_STIX:
            return f"[file:hashes.{_HASH_STIX[self.type]} = {_stix_string(self.value)}]"
        return f"[file:name = {_stix_string(self.value)}]"


_SIMPLE_PATTERN_RE = re.compile(
    r"^\[\s*(?P<path>[a-z0-9-]+:[A-Za-z0-9_.'-]+)\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'\s*\]$"
)
_PATH_TO_TYPE: dict[str, IndicatorType] = {
    f"{obj}:value": kind for kind, obj in _VALUE_STIX.items()
}
_PATH_TO_TYPE.update({
    "file:hashes.MD5": IndicatorType.MD5, "file:hashes.'MD5'": IndicatorType.MD5,
    "file:hashes.'SHA-1'": IndicatorType.SHA1, "file:hashes.SHA1": IndicatorType.SHA1,
    "file:hashes.'SHA-256'": IndicatorType.SHA256, "file:hashes.SHA256": IndicatorType.SHA256,
    "file:hashes.'SHA-512'": IndicatorType.SHA512, "file:hashes.SHA512": IndicatorType.SHA512,
    "file:name": IndicatorType.FILENAME,
})


def indicator_from_pattern(pattern: str) -> Indicator | None:
    """The indicator of a single-comparison STIX pattern, or None for anything richer."""
    m = _SIMPLE_PATTERN_RE.match(pattern.strip())
    if not m:
        return None
    kind = _PATH_TO_TYPE.get(m["path"])
    if kind is None:
        return None
    value = re.sub(r"\\(.)", r"\1", m["value"])
    try:
        return Indicator(type=kind, value=value)
    except ValidationError:
        return None


# --------------------------------------------------------------------------- problems
def _loc_text(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def problems_from_validation_error(exc: ValidationError, root: str = "") -> list[str]:
    """One line per problem, each starting with the field path (``contact.email: ...``)."""
    problems: list[str] = []
    for err in exc.errors(include_url=False):
        path = _loc_text(tuple(err["loc"])) or root or "document"
        msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err["type"] == "missing":
            msg = "this field is required"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (not part of this format)"
        for line in msg.split("\n"):
            problems.append(f"{path}: {line}")
    return problems


def load_json(data: bytes | str | Mapping[str, Any], what: str, max_bytes: int) -> Any:
    """Parse JSON input for ``what`` (e.g. "incident report"), refusing oversized input."""
    if isinstance(data, Mapping):
        return data
    if not isinstance(data, bytes | str):
        raise FormatError(f"{what} must be JSON text or bytes")
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise FormatError(
            f"{what} is too large: {size} bytes, at most {max_bytes} bytes are accepted"
        )
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{what} is not valid JSON: {exc}") from None


def to_json_text(data: Any) -> str:
    """Serialise Python input (possibly holding dates or enums) to JSON for strict parsing."""
    def default(o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date):
            return o.isoformat()
        if isinstance(o, enum.Enum):
            return o.value
        if isinstance(o, BaseModel):
            return o.model_dump(mode="json")
        if isinstance(o, set | frozenset | tuple):
            return list(o)
        raise TypeError(f"value of type {type(o).__name__} cannot be part of a document")

    try:
        return json.dumps(data, default=default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise FormatError(f"input cannot be read as a document: {exc}") from None


# --------------------------------------------------------------------------- STIX markings
# TLP 1.0 marking-definition ids of the STIX 2.1 specification (section 7.2.1.4).
TLP1_STIX_IDS: dict[str, TLP] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,  # white
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
# OpenCTI reuses the TLP 1.0 ids for CLEAR/GREEN/AMBER/RED and adds its own AMBER+STRICT
# (opencti-graphql src/schema/identifier.js, MARKING_TLP_AMBER_STRICT_ID).
OPENCTI_TLP_IDS: dict[str, TLP] = {
    **TLP1_STIX_IDS,
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": TLP.AMBER_STRICT,
}
_TLP2_BY_ID: dict[str, TLP] = {v: k for k, v in TLP2_STIX_IDS.items()}
_KNOWN_TLP_IDS: dict[str, TLP] = {**OPENCTI_TLP_IDS, **_TLP2_BY_ID}
_TLP2_CREATED = "2022-10-01T00:00:00.000Z"


def tlp_for_marking_ref(ref: str) -> TLP | None:
    """TLP of a well-known marking-definition id (TLP 2.0, TLP 1.0, OpenCTI), else None."""
    return _KNOWN_TLP_IDS.get(ref)


def tlp_from_marking_definition(obj: Mapping[str, Any]) -> TLP | None:
    """TLP expressed by a marking-definition object, whatever its dialect, else None."""
    known = tlp_for_marking_ref(str(obj.get("id", "")))
    if known is not None:
        return known
    ext = obj.get("extensions")
    if isinstance(ext, Mapping):
        tlp2 = ext.get(TLP2_EXTENSION_ID)
        if isinstance(tlp2, Mapping) and isinstance(tlp2.get("tlp_2_0"), str):
            return _tlp_or_none(tlp2["tlp_2_0"])
    dtype = obj.get("definition_type")
    definition = obj.get("definition")
    if isinstance(dtype, str) and dtype.lower() == "tlp":
        # STIX 2.x TLP 1.0 form {"tlp": "green"}, or OpenCTI's {"TLP": "TLP:GREEN"}.
        if isinstance(definition, Mapping):
            for key in ("tlp", "TLP"):
                if isinstance(definition.get(key), str):
                    return _tlp_or_none(definition[key])
        if isinstance(obj.get("name"), str):
            return _tlp_or_none(obj["name"])
    if isinstance(dtype, str) and dtype.upper().startswith("TLP:"):
        return _tlp_or_none(dtype)
    return None


def _tlp_or_none(text: str) -> TLP | None:
    try:
        return TLP.parse(text)
    except LabelError:
        return None


def tlp_marking_definition(tlp: TLP) -> dict[str, Any]:
    """The TLP 2.0 marking-definition object exactly as OASIS publishes it."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_STIX_IDS[tlp],
        "created": _TLP2_CREATED,
        "name": f"TLP:{tlp.value}",
        "extensions": {
            TLP2_EXTENSION_ID: {
                "extension_type": "property-extension",
                "tlp_2_0": tlp.value.lower(),
            }
        },
    }


# --------------------------------------------------------------------------- STIX ids/times
# Fixed namespace so that re-exporting the same document yields the same STIX ids, which
# lets TAXII servers and receivers deduplicate versions instead of piling up copies.
_RENKEI_NS = uuid.UUID("8a5d3f4e-2b1c-5e7f-9a0b-6c4d2e1f3a5b")
_STIX_ID_RE = re.compile(
    r"^(?P<type>[a-z][a-z0-9-]{0,249})--"
    r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def stix_id(stix_type: str, *parts: str) -> str:
    return f"{stix_type}--{uuid.uuid5(_RENKEI_NS, chr(31).join((stix_type, *parts)))}"


def is_stix_id(value: object, stix_type: str | None = None) -> bool:
    if not isinstance(value, str):
        return False
    m = _STIX_ID_RE.match(value)
    return bool(m) and (stix_type is None or m["type"] == stix_type)


def stix_timestamp(when: dt.datetime) -> str:
    """STIX timestamp (UTC, millisecond precision, ``Z``); ``when`` must be timezone-aware."""
    if when.tzinfo is None:
        raise ValueError("STIX timestamps need a timezone-aware datetime")
    utc = when.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"

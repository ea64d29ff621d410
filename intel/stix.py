"""Value types shared by the intel formats, with their STIX patterns; strict JSON parsing.

Reports, briefs, advisories, STIX and KEV all speak about the same things: typed indicators
(STIX cyber observables), CVE and ATT&CK ids, labels, bilingual pick-lists. They live here so
every format validates them the same way. STIX bundles are written by ``intel.stix_export``
(TLP 2.0 marking-definitions, ids) and read by ``intel.stix_import`` (TLP dialects).
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from intel.errors import FormatError, LabelError
from intel.markings import Label

__all__ = [
    "Bilingual",
    "IndicatorType",
    "Indicator",
    "CveId",
    "TechniqueId",
    "CweId",
    "check_cve",
    "check_technique",
    "check_cwe",
    "LabelText",
    "normalise_indicator",
    "indicator_from_pattern",
    "problems_from_validation_error",
    "load_json",
    "to_json_text",
    "parse_model",
    "Pattern",
    "StrictModel",
    "dedupe",
    "Identifier",
]


@cache
def _vocabulary() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files("intel").joinpath("data/vocabulary.json").read_text("utf-8")
    data: dict[str, dict[str, dict[str, str]]] = json.loads(text)
    return data


class Bilingual(enum.StrEnum):
    """A pick-list: the value is the wire token (stable, ASCII); the English and Japanese
    display names live in ``intel/data/vocabulary.json`` where translators can review them."""

    def _name(self, lang: str) -> str:
        names = _vocabulary().get(type(self).__name__, {}).get(self.value, {})
        return names.get(lang) or self.value

    @property
    def name_en(self) -> str:
        return self._name("en")

    @property
    def name_ja(self) -> str:
        return self._name("ja")

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


def check_cve(value: str) -> str:
    v = value.strip().upper()
    if not _CVE_RE.match(v):
        raise ValueError(f"{value!r} is not a CVE id like CVE-2024-12345")
    return v


def check_technique(value: str) -> str:
    v = value.strip().upper()
    if not _TECHNIQUE_RE.match(v):
        raise ValueError(f"{value!r} is not an ATT&CK technique id like T1566 or T1566.001")
    return v


def check_cwe(value: str) -> str:
    v = value.strip().upper()
    if not _CWE_RE.match(v):
        raise ValueError(f"{value!r} is not a CWE id like CWE-79")
    return v


def _label_text(value: str) -> str:
    try:
        return Label.parse(value).canonical()
    except LabelError as exc:
        raise ValueError(str(exc)) from None


@dataclass(frozen=True)
class Pattern:
    """``Annotated[str, Pattern(regex, expected)]``: a readable error and a schema pattern.

    ``expected`` completes the message "... is not valid: expected <expected>".
    """

    regex: str
    expected: str

    def check(self, value: str) -> str:
        if not re.match(self.regex, value):
            shown = value if len(value) <= 80 else value[:77] + "..."
            raise ValueError(f"{shown!r} is not valid: expected {self.expected}")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.regex}


class StrictModel(BaseModel):
    """Base of the format models: strict types, unknown fields refused, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, str_strip_whitespace=True)


def dedupe(values: list[Any]) -> list[Any]:
    """Drop repeated entries, keeping the first of each (an ``AfterValidator`` for lists)."""
    return list(dict.fromkeys(values))


CveId = Annotated[
    str, AfterValidator(check_cve),
    WithJsonSchema({"type": "string", "pattern": _CVE_RE.pattern}),
]
TechniqueId = Annotated[
    str, AfterValidator(check_technique),
    WithJsonSchema({"type": "string", "pattern": _TECHNIQUE_RE.pattern}),
]
CweId = Annotated[
    str, AfterValidator(check_cwe), WithJsonSchema({"type": "string", "pattern": _CWE_RE.pattern}),
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


# Ids of reports, documents, sections, room items: safe in file names, URLs and logs.
Identifier = Annotated[str, Pattern(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$",
                                     "1-64 letters, digits, '.', '_', ':' or '-'")]


# --------------------------------------------------------------------------- indicators
class IndicatorType(Bilingual):
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    DOMAIN = "domain"
    URL = "url"
    EMAIL = "email"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA512 = "sha512"
    FILENAME = "filename"


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
                kind = IndicatorType(str(raw_type))
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


_M = TypeVar("_M", bound=BaseModel)


def parse_model(
    model: type[_M], data: bytes | str | Mapping[str, Any], what: str, max_bytes: int
) -> _M:
    """Validate JSON (or a dict) as ``model``; FormatError lists every problem found."""
    obj = load_json(data, what, max_bytes)
    if not isinstance(obj, Mapping):
        raise FormatError(f"{what} must be a JSON object", [f"{what}: expected a JSON object"])
    try:
        return model.model_validate_json(to_json_text(obj))
    except ValidationError as exc:
        problems = problems_from_validation_error(exc)
        raise FormatError(f"{what} has {len(problems)} problem(s)", problems) from None

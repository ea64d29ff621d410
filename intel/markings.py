"""Markings: the policy (levels, compartments, TLP 2.0) and the rules of who may read what.

Everything here is pure data and pure functions; signing the policy is done in ``crypto``.
A label's canonical text form is ``LEVEL[/COMP,COMP]//TLP:X[//REL:ORG,ORG]``, e.g.
``SECRET/CYBER//TLP:AMBER+STRICT``. It is what envelopes carry and what people see.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from intel.errors import LabelError, PolicyError

__all__ = [
    "TLP",
    "Level",
    "Compartment",
    "Policy",
    "Label",
    "Clearance",
    "can_read",
    "can_share_onward",
    "dominates",
    "least_upper_bound",
    "check_no_write_down",
    "DOWNGRADE_ROLE",
]

DOWNGRADE_ROLE = "downgrade"

_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_-]{0,31}$")
_ORG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class TLP(enum.Enum):
    """TLP 2.0, ordered from least to most restrictive."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @property
    def rank(self) -> int:
        return _TLP_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> TLP:
        t = text.strip().upper().removeprefix("TLP:").replace("_", "+")
        if t == "WHITE":  # TLP 1.0 name, still common in imports
            t = "CLEAR"
        for member in cls:
            if member.value == t:
                return member
        raise LabelError(
            f"unknown TLP {text!r}: expected one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED"
        )


_TLP_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]

# FIRST/OASIS TLP 2.0 marking-definition ids (DESIGN.md).
TLP2_STIX_IDS: dict[TLP, str] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


@dataclass(frozen=True)
class Level:
    key: str
    rank: int
    name_en: str
    name_ja: str
    banner_bg: str
    banner_fg: str

    def display(self, lang: str = "en") -> str:
        return self.name_ja if lang.startswith("ja") else self.name_en


@dataclass(frozen=True)
class Compartment:
    key: str
    name_en: str
    name_ja: str


@dataclass(frozen=True)
class Policy:
    """A deployment's markings policy. Build with :meth:`from_dict` so it is validated."""

    name: str
    version: int
    levels: tuple[Level, ...]
    compartments: tuple[Compartment, ...]
    # Copying text of content at or above this level is blocked in the client.
    copy_block_level: str
    # Idle auto-lock in seconds; the client never uses a longer one.
    idle_lock_seconds: int = 600
    _by_key: Mapping[str, Level] = field(default_factory=dict, repr=False, compare=False)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        if not isinstance(data, Mapping):
            raise PolicyError("policy must be a JSON object")
        try:
            name = _req_str(data, "name")
            version = data.get("version")
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise PolicyError("policy 'version' must be a positive integer")
            raw_levels = data.get("levels")
            if not isinstance(raw_levels, list) or not raw_levels:
                raise PolicyError("policy 'levels' must be a non-empty list, lowest first")
            levels: list[Level] = []
            for i, lv in enumerate(raw_levels):
                if not isinstance(lv, Mapping):
                    raise PolicyError(f"level #{i + 1} must be an object")
                key = _req_str(lv, "key")
                if not _KEY_RE.match(key):
                    raise PolicyError(
                        f"level key {key!r} must be upper-case letters, digits, _ or -"
                    )
                for colour in ("banner_bg", "banner_fg"):
                    if not _COLOUR_RE.match(str(lv.get(colour, ""))):
                        raise PolicyError(f"level {key}: {colour} must be a colour like #1a7f37")
                levels.append(
                    Level(key, i, _req_str(lv, "name_en"), _req_str(lv, "name_ja"),
                          str(lv["banner_bg"]), str(lv["banner_fg"]))
                )
            keys = [lv.key for lv in levels]
            if len(set(keys)) != len(keys):
                raise PolicyError("policy levels must have distinct keys")
            comps: list[Compartment] = []
            for c in data.get("compartments", []) or []:
                if not isinstance(c, Mapping):
                    raise PolicyError("each compartment must be an object")
                key = _req_str(c, "key")
                if not _KEY_RE.match(key):
                    raise PolicyError(
                        f"compartment key {key!r} must be upper-case letters, digits, _ or -"
                    )
                comps.append(Compartment(key, _req_str(c, "name_en"), _req_str(c, "name_ja")))
            if len({c.key for c in comps}) != len(comps):
                raise PolicyError("policy compartments must have distinct keys")
            copy_block = str(data.get("copy_block_level", keys[min(1, len(keys) - 1)]))
            if copy_block not in keys:
                raise PolicyError(f"copy_block_level {copy_block!r} is not a level of this policy")
            idle = data.get("idle_lock_seconds", 600)
            if not isinstance(idle, int) or isinstance(idle, bool) or not 30 <= idle <= 86400:
                raise PolicyError("idle_lock_seconds must be an integer between 30 and 86400")
        except (KeyError, TypeError) as exc:  # pragma: no cover - defensive
            raise PolicyError(f"malformed policy: {exc}") from exc
        return cls(name, version, tuple(levels), tuple(comps), copy_block, idle,
                   {lv.key: lv for lv in levels})

    @classmethod
    def from_json(cls, text: str | bytes) -> Policy:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise PolicyError(f"policy is not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    @classmethod
    def default(cls) -> Policy:
        text = resources.files("intel").joinpath("data/default_policy.json").read_text("utf-8")
        return cls.from_json(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "levels": [
                {"key": lv.key, "name_en": lv.name_en, "name_ja": lv.name_ja,
                 "banner_bg": lv.banner_bg, "banner_fg": lv.banner_fg}
                for lv in self.levels
            ],
            "compartments": [
                {"key": c.key, "name_en": c.name_en, "name_ja": c.name_ja}
                for c in self.compartments
            ],
            "copy_block_level": self.copy_block_level,
            "idle_lock_seconds": self.idle_lock_seconds,
        }

    # -- queries ------------------------------------------------------------------------
    def level(self, key: str) -> Level:
        try:
            return self._by_key[key]
        except KeyError:
            raise LabelError(
                f"unknown level {key!r}; this policy has {', '.join(lv.key for lv in self.levels)}"
            ) from None

    def rank(self, key: str) -> int:
        return self.level(key).rank

    @property
    def lowest(self) -> Level:
        return self.levels[0]

    def compartment_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.compartments)

    def validate(self, label: Label) -> Label:
        self.level(label.level)
        unknown = label.compartments - self.compartment_keys()
        if unknown:
            raise LabelError(f"unknown compartment(s) {', '.join(sorted(unknown))}")
        return label

    def parse_label(self, text: str) -> Label:
        return self.validate(Label.parse(text))

    def banner_text(self, label: Label, lang: str = "en") -> str:
        parts = [self.level(label.level).display(lang)]
        if label.compartments:
            parts.append("/".join(sorted(label.compartments)))
        parts.append(f"TLP:{label.tlp.value}")
        if label.releasable_to is not None:
            parts.append("REL TO " + ", ".join(sorted(label.releasable_to)))
        return " // ".join(parts)


def _req_str(d: Mapping[str, Any], key: str) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip() or len(v) > 200:
        raise PolicyError(f"field {key!r} must be a non-empty string of at most 200 characters")
    return v


@dataclass(frozen=True, order=False)
class Label:
    """A marking: level, compartments, TLP and optional releasability (organisations)."""

    level: str
    compartments: frozenset[str] = frozenset()
    tlp: TLP = TLP.AMBER
    releasable_to: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not _KEY_RE.match(self.level):
            raise LabelError(f"invalid level {self.level!r}")
        for c in self.compartments:
            if not _KEY_RE.match(c):
                raise LabelError(f"invalid compartment {c!r}")
        if self.releasable_to is not None:
            if not self.releasable_to:
                raise LabelError("releasability must name at least one organisation")
            for org in self.releasable_to:
                if not _ORG_RE.match(org):
                    raise LabelError(f"invalid organisation {org!r} in releasability")

    def canonical(self) -> str:
        head = self.level
        if self.compartments:
            head += "/" + ",".join(sorted(self.compartments))
        text = f"{head}//TLP:{self.tlp.value}"
        if self.releasable_to is not None:
            text += "//REL:" + ",".join(sorted(self.releasable_to))
        return text

    __str__ = canonical

    @classmethod
    def parse(cls, text: str) -> Label:
        if not isinstance(text, str) or len(text) > 512:
            raise LabelError("a label must be text of at most 512 characters")
        parts = text.strip().split("//")
        if len(parts) < 2 or len(parts) > 3:
            raise LabelError(
                f"malformed label {text!r}: expected LEVEL[/COMPARTMENTS]//TLP:X[//REL:ORGS]"
            )
        head, tlp_part = parts[0], parts[1]
        level, _, comps = head.partition("/")
        compartments = frozenset(c for c in comps.split(",") if c) if comps else frozenset()
        if not tlp_part.upper().startswith("TLP:"):
            raise LabelError(f"malformed label {text!r}: second part must be TLP:X")
        tlp = TLP.parse(tlp_part)
        rel: frozenset[str] | None = None
        if len(parts) == 3:
            if not parts[2].startswith("REL:"):
                raise LabelError(f"malformed label {text!r}: third part must be REL:ORG,...")
            rel = frozenset(o for o in parts[2][4:].split(",") if o)
        return cls(level.strip(), compartments, tlp, rel)


@dataclass(frozen=True)
class Clearance:
    """What a certificate grants its holder (the authority signed this)."""

    user_id: str
    org: str
    level: str
    compartments: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


def can_read(
    policy: Policy,
    reader: Clearance,
    label: Label,
    named_recipients: Iterable[str] | None = None,
) -> bool:
    """Read rule of DESIGN.md: dominance, compartments, releasability, and TLP:RED naming."""
    try:
        if policy.rank(reader.level) < policy.rank(label.level):
            return False
    except LabelError:
        return False
    if not label.compartments <= reader.compartments:
        return False
    if label.releasable_to is not None and reader.org not in label.releasable_to:
        return False
    if label.tlp is TLP.RED:
        return named_recipients is not None and reader.user_id in set(named_recipients)
    return True


def can_share_onward(
    label: Label,
    holder_org: str,
    target_org: str | None,
    *,
    target_certified: bool = True,
    clients_of: Mapping[str, Iterable[str]] | None = None,
) -> bool:
    """TLP 2.0 onward sharing by someone in ``holder_org`` to a party in ``target_org``.

    ``target_org`` None with ``target_certified`` False means the public (export, TAXII).
    """
    if label.tlp is TLP.RED:
        return False
    if label.tlp is TLP.CLEAR:
        return True
    if not target_certified or target_org is None:
        return False
    if label.tlp is TLP.GREEN:
        return True
    if target_org == holder_org:
        return True
    if label.tlp is TLP.AMBER:
        return target_org in set((clients_of or {}).get(holder_org, ()))
    return False  # AMBER+STRICT: own organisation only


def dominates(policy: Policy, a: Label, b: Label) -> bool:
    """True when ``a`` is at least as restrictive as ``b`` on every axis."""
    if policy.rank(a.level) < policy.rank(b.level):
        return False
    if not b.compartments <= a.compartments:
        return False
    if a.tlp.rank < b.tlp.rank:
        return False
    # Fewer organisations named is more restrictive.
    return b.releasable_to is None or (
        a.releasable_to is not None and a.releasable_to <= b.releasable_to
    )


def least_upper_bound(policy: Policy, labels: Iterable[Label]) -> Label | None:
    """The lowest label dominating all ``labels`` (what a banner shows); None if empty."""
    result: Label | None = None
    for lb in labels:
        policy.validate(lb)
        if result is None:
            result = lb
            continue
        level = result.level if policy.rank(result.level) >= policy.rank(lb.level) else lb.level
        tlp = result.tlp if result.tlp.rank >= lb.tlp.rank else lb.tlp
        if result.releasable_to is None:
            rel = lb.releasable_to
        elif lb.releasable_to is None:
            rel = result.releasable_to
        else:
            rel = result.releasable_to & lb.releasable_to
            if not rel:
                raise LabelError("no label dominates both: releasability sets do not overlap")
        result = Label(level, result.compartments | lb.compartments, tlp, rel)
    return result


def check_no_write_down(
    policy: Policy, source: Label, target: Label, roles: Iterable[str] = ()
) -> bool:
    """May content derived from ``source`` be posted at ``target``?

    Returns True when allowed without downgrade, False when it needs (and the roles grant) a
    downgrade, which the caller must audit. Raises :class:`LabelError` when refused.
    """
    if dominates(policy, target, source):
        return True
    if DOWNGRADE_ROLE in set(roles):
        return False
    raise LabelError(
        f"write-down refused: content marked {source.canonical()} cannot be posted at "
        f"{target.canonical()} without the downgrade role"
    )

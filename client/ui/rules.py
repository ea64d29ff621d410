"""Handling rules the UI applies, as pure functions (no Qt): tests call them directly.

The widgets ask these functions what to offer, show or refuse; none of them decides alone.
Everything fails closed: a label the policy does not know is treated as unreadable.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from client.ui.backend import Advisory, Brief, Entry, Member, SearchResult, Section
from intel.errors import IntelError, LabelError
from intel.markings import (
    TLP,
    Clearance,
    Label,
    Policy,
    can_read,
    can_share_onward,
    check_no_write_down,
    dominates,
    least_upper_bound,
)

__all__ = [
    "CLIPBOARD_CLEAR_MS",
    "Forward",
    "ReadFilter",
    "WriteDown",
    "allowed_labels",
    "audit_on_open",
    "banner_label",
    "copy_allowed",
    "derived_choices",
    "effective_idle_seconds",
    "forward_decision",
    "label_sort_key",
    "level_abbreviation",
    "portion_mark",
    "readers_of",
    "recipients_block",
    "red_candidates",
    "send_block",
    "write_down",
]

CLIPBOARD_CLEAR_MS = 60_000


def label_sort_key(policy: Policy, label: Label) -> tuple[int, int, tuple[str, ...], int]:
    return (policy.rank(label.level), len(label.compartments), tuple(sorted(label.compartments)),
            label.tlp.rank)


# -- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadFilter:
    """The model layer's own read check (defence in depth behind the backend's).

    TLP:RED content with no recipient list reached this device by direct delivery, so the
    reader is taken as named; with a list, the reader must be on it.
    """

    policy: Policy
    reader: Clearance

    def may_read(self, label: Label | None, recipients: Iterable[str] | None = None) -> bool:
        if label is None:
            return False
        named = [self.reader.user_id] if recipients is None else list(recipients)
        try:
            self.policy.validate(label)
            return can_read(self.policy, self.reader, label, named_recipients=named)
        except IntelError:
            return False

    def entry(self, entry: Entry) -> Entry | None:
        """The entry as this reader may see it, or None.

        Warning rows (rejected envelopes, gaps) are always shown so tampering is visible,
        but never with content, and their claimed label only if the reader may read it.
        """
        if entry.state == "ok":
            return entry if self.may_read(entry.label, entry.recipients) else None
        label = entry.label if self.may_read(entry.label, entry.recipients) else None
        return replace(entry, label=label, title="", body="", quote_of=None)

    def sections(self, sections: Iterable[Section]) -> tuple[Section, ...]:
        return tuple(s for s in sections if self.may_read(s.label))

    def brief(self, brief: Brief) -> Brief | None:
        if not self.may_read(brief.label, brief.recipients):
            return None
        return replace(brief, sections=self.sections(brief.sections))

    def advisory(self, adv: Advisory) -> Advisory | None:
        if not self.may_read(adv.label):
            return None
        ok = self.may_read
        return replace(
            adv,
            summary=self.sections(adv.summary),
            annex=self.sections(adv.annex),
            actions=tuple(a for a in adv.actions if ok(a.label)),
            indicators=tuple(i for i in adv.indicators if ok(i.label)),
            techniques=tuple(i for i in adv.techniques if ok(i.label)),
            cves=tuple(i for i in adv.cves if ok(i.label)),
        )

    def result(self, result: SearchResult) -> SearchResult | None:
        return result if self.may_read(result.label, result.recipients) else None


# -- banners and portion marks ----------------------------------------------------------------
def banner_label(policy: Policy, labels: Iterable[Label | None]) -> Label:
    """What the banners show: the least upper bound of the labels on screen.

    With nothing marked on screen the banner shows the lowest level. Labels whose
    releasability sets cannot be combined fall back to the highest level with every
    compartment named on screen, which is never lower than the truth.
    """
    present = [lb for lb in labels if lb is not None]
    if not present:
        return Label(policy.lowest.key, tlp=TLP.CLEAR)
    try:
        lub = least_upper_bound(policy, present)
    except LabelError:
        top = max(present, key=lambda lb: policy.rank(lb.level))
        comps = frozenset().union(*(lb.compartments for lb in present))
        tlp = max((lb.tlp for lb in present), key=lambda t: t.rank)
        return Label(top.level, comps, tlp)
    assert lub is not None
    return lub


def level_abbreviation(policy: Policy, level_key: str) -> str:
    """Initials of the English level name ("TOP SECRET" -> "TS"), or the key when two levels
    would share initials."""
    def initials(name: str) -> str:
        return "".join(w[0] for w in name.replace("-", " ").split() if w).upper()

    abbrs = {lv.key: initials(lv.name_en) for lv in policy.levels}
    if len(set(abbrs.values())) != len(abbrs):
        return level_key
    return abbrs.get(level_key, level_key)


def portion_mark(policy: Policy, label: Label, lang: str = "en") -> str:
    """A portion mark such as ``(S//CYBER//TLP:AMBER)``; in Japanese the level's own name."""
    head = (policy.level(label.level).name_ja if lang.startswith("ja")
            else level_abbreviation(policy, label.level))
    parts = [head]
    if label.compartments:
        parts.append("/".join(sorted(label.compartments)))
    parts.append(f"TLP:{label.tlp.value}")
    if label.releasable_to is not None:
        parts.append("REL " + ",".join(sorted(label.releasable_to)))
    return "(" + "//".join(parts) + ")"


# -- composing --------------------------------------------------------------------------------
def allowed_labels(policy: Policy, clearance: Clearance, ceiling: Label) -> list[Label]:
    """Every label a writer with ``clearance`` may choose in a room with ``ceiling``.

    Level at most both the writer's and the ceiling's, compartments within both, TLP at most
    the ceiling's; releasability follows the ceiling's. Lowest first, so ``[0]`` is the
    default. Empty when the writer's or ceiling's level is unknown to the policy.
    """
    try:
        top = min(policy.rank(clearance.level), policy.rank(ceiling.level))
    except LabelError:
        return []
    comps = sorted(clearance.compartments & ceiling.compartments & policy.compartment_keys())
    subsets = [frozenset(c) for n in range(len(comps) + 1)
               for c in itertools.combinations(comps, n)]
    tlps = [t for t in TLP if t.rank <= ceiling.tlp.rank]
    out = []
    for lv in policy.levels[: top + 1]:
        for sub in subsets:
            for tlp in tlps:
                lb = Label(lv.key, sub, tlp, ceiling.releasable_to)
                if dominates(policy, ceiling, lb):
                    out.append(lb)
    out.sort(key=lambda lb: label_sort_key(policy, lb))
    return out


class WriteDown(enum.Enum):
    ALLOWED = "allowed"  # the target dominates the source
    NEEDS_DOWNGRADE = "downgrade"  # the writer's downgrade role permits it, with confirmation
    REFUSED = "refused"


def write_down(policy: Policy, source: Label, target: Label, roles: Iterable[str]) -> WriteDown:
    try:
        ok = check_no_write_down(policy, source, target, roles)
    except IntelError:
        return WriteDown.REFUSED
    return WriteDown.ALLOWED if ok else WriteDown.NEEDS_DOWNGRADE


def derived_choices(
    policy: Policy, allowed: Sequence[Label], source: Label | None, roles: Iterable[str]
) -> list[Label]:
    """What the picker offers when the compose derives from content at ``source``.

    Without the downgrade role only labels dominating the source; with it every allowed
    label (lower ones then need a recorded confirmation). Empty means the content cannot
    be posted here at all (e.g. the room's ceiling is below the source).
    """
    if source is None:
        return list(allowed)
    roles = frozenset(roles)
    return [lb for lb in allowed if write_down(policy, source, lb, roles) is not WriteDown.REFUSED]


def default_choice(policy: Policy, choices: Sequence[Label], source: Label | None) -> Label | None:
    """Lowest choice; when deriving, the lowest choice that still dominates the source."""
    if not choices:
        return None
    if source is not None:
        for lb in choices:
            if dominates(policy, lb, source):
                return lb
    return choices[0]


@dataclass(frozen=True)
class Forward:
    """Why forwarding is refused (``ok`` False), with the organisations that block it."""

    ok: bool
    reason: str = ""  # "red" | "tlp" | "empty"
    blocked_orgs: tuple[str, ...] = ()


def forward_decision(
    label: Label,
    holder_org: str,
    target_orgs: Iterable[str],
    clients_of: Mapping[str, Iterable[str]] | None = None,
) -> Forward:
    """TLP 2.0 onward sharing into a room whose members belong to ``target_orgs``."""
    if label.tlp is TLP.RED:
        return Forward(False, "red")
    orgs = sorted(set(target_orgs))
    if not orgs:
        return Forward(False, "empty")
    blocked = tuple(o for o in orgs
                    if not can_share_onward(label, holder_org, o, clients_of=clients_of))
    return Forward(not blocked, "tlp" if blocked else "", blocked)


def copy_allowed(policy: Policy, label: Label | None) -> bool:
    """Copying text is allowed only below the policy's copy-block level (unknown: blocked)."""
    if label is None:
        return False
    try:
        return policy.rank(label.level) < policy.rank(policy.copy_block_level)
    except LabelError:
        return False


def audit_on_open(policy: Policy, label: Label | None) -> bool:
    """Opening an item is audited when it is restricted: above the lowest level or in a
    compartment (unknown labels too: fail closed)."""
    if label is None:
        return False
    try:
        return policy.rank(label.level) > 0 or bool(label.compartments)
    except LabelError:
        return True


def effective_idle_seconds(policy: Policy, user_minutes: int | None) -> int:
    """The user may shorten the idle lock, never lengthen it past the policy's limit."""
    limit = policy.idle_lock_seconds
    if user_minutes is None or user_minutes <= 0:
        return limit
    return min(limit, user_minutes * 60)


def readers_of(
    policy: Policy, members: Iterable[Member], label: Label
) -> tuple[list[Member], list[Member]]:
    """Split room members into those who may read ``label`` and those who may not.

    TLP:RED content goes to named recipients; in a room every member is named, so only
    level, compartments and releasability decide.
    """
    can: list[Member] = []
    cannot: list[Member] = []
    for m in members:
        ok = ReadFilter(policy, m.clearance).may_read(label, [m.clearance.user_id])
        (can if ok else cannot).append(m)
    return can, cannot


def red_candidates(policy: Policy, members: Iterable[Member], label: Label) -> list[Member]:
    """The room members a TLP:RED message at ``label`` could be addressed to: those whose
    clearance admits it once named."""
    return readers_of(policy, members, label)[0]


def recipients_block(label: Label | None, chosen: Iterable[str], me: str) -> str | None:
    """TLP:RED goes to named people only: "no_recipients" while nobody but the writer is
    named; None for any other label or once someone is."""
    if label is None or label.tlp is not TLP.RED:
        return None
    return None if set(chosen) - {me} else "no_recipients"


def send_block(text: str, label: Label | None, pending_key_changes: int,
               attachments: int = 0) -> str | None:
    """Why a compose cannot be sent yet ("empty", "no_label", "key_change"), or None.
    Files alone make a message."""
    if pending_key_changes:
        return "key_change"
    if label is None:
        return "no_label"
    if not text.strip() and not attachments:
        return "empty"
    return None

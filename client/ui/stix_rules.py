"""What a STIX export may offer and leave out, as pure functions (no Qt).

The audiences come from the directory: the public, the community (every certified user),
and each organisation. An organisation is credited only with what every one of its known
people holds (the lowest level and the compartments they share): a file handed to an
organisation reaches whoever works there. The verdict on each part is
``intel.stix_export.Audience.admits``, the very rule the exporter applies, so what the dialog
says will be left out is what the bundle leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from client.ui.values import AudienceSpec, ExportPart, ExportSource, Member, StixImportResult
from intel.errors import LabelError
from intel.markings import TLP, Policy
from intel.stix_export import Audience

__all__ = ["ExportPlan", "audience_options", "import_counts", "offered_audiences",
           "plan_export", "taxii_audiences", "to_audience"]


def audience_options(policy: Policy, holder_org: str,
                     people: Iterable[Member]) -> list[AudienceSpec]:
    """Every audience one could name: public, community, the holder's organisation, then
    the other organisations known from the directory (alphabetical)."""
    by_org: dict[str, list[Member]] = {}
    for m in people:
        if m.org:
            by_org.setdefault(m.org, []).append(m)
    out = [AudienceSpec("public"), AudienceSpec("community")]
    orgs = sorted(by_org, key=lambda o: (o != holder_org, o.casefold()))
    if holder_org and holder_org not in by_org:
        orgs.insert(0, holder_org)
    for org in orgs:
        members = by_org.get(org, [])
        level: str | None = None
        comps: frozenset[str] = frozenset()
        known = [m for m in members if _rank(policy, m.clearance.level) is not None]
        if known:
            low = min(known, key=lambda m: _rank(policy, m.clearance.level) or 0)
            level = low.clearance.level
            comps = frozenset.intersection(*(m.clearance.compartments for m in known))
        out.append(AudienceSpec("organisation", org, level, comps))
    return out


def _rank(policy: Policy, level: str) -> int | None:
    try:
        return policy.rank(level)
    except LabelError:
        return None


def to_audience(policy: Policy, holder_org: str, spec: AudienceSpec) -> Audience:
    if spec.kind == "public":
        return Audience.public(policy, holder_org)
    if spec.kind == "community":
        return Audience.community(policy, holder_org)
    return Audience.organisation(policy, holder_org, spec.org, spec.level, spec.compartments)


@dataclass(frozen=True)
class ExportPlan:
    audience: AudienceSpec
    included: tuple[ExportPart, ...]
    left_out: tuple[ExportPart, ...]
    header_ok: bool = True

    @property
    def possible(self) -> bool:
        return self.header_ok and bool(self.included)


def plan_export(policy: Policy, holder_org: str, source: ExportSource,
                spec: AudienceSpec) -> ExportPlan:
    """Which parts of ``source`` may go to ``spec``. A document whose header the audience
    may not have cannot go at all (its title is marked at the header's label)."""
    try:
        audience = to_audience(policy, holder_org, spec)
    except LabelError:
        return ExportPlan(spec, (), tuple(source.parts), header_ok=False)
    header_ok = source.header is None or audience.admits(source.header)
    inc = tuple(p for p in source.parts if header_ok and audience.admits(p.label))
    left = tuple(p for p in source.parts if p not in inc)
    return ExportPlan(spec, inc, left, header_ok)


def offered_audiences(policy: Policy, holder_org: str, source: ExportSource,
                      options: Sequence[AudienceSpec]) -> list[ExportPlan]:
    """Only the audiences the content may go to (something of it, header included)."""
    plans = [plan_export(policy, holder_org, source, o) for o in options]
    return [p for p in plans if p.possible]


def taxii_audiences(plans: Sequence[ExportPlan]) -> list[ExportPlan]:
    """TAXII carries TLP:CLEAR and TLP:GREEN only: the public and the community audiences,
    and only parts marked CLEAR or GREEN (the community audience admits nothing else)."""
    out = []
    for p in plans:
        if p.audience.kind in ("public", "community") and all(
                part.label.tlp in (TLP.CLEAR, TLP.GREEN) for part in p.included):
            out.append(p)
    return out


def import_counts(result: StixImportResult) -> dict[str, int]:
    """The headline numbers of an import, by name."""
    return {"stored": result.stored, "updated": result.updated,
            "unchanged": result.unchanged, "withheld": result.withheld}

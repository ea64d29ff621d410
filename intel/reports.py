"""Incident reports: quick report (速報), update and final report, in one thread per incident.

The stages follow NIS2 (early warning, incident notification, final report); the fields are
drawn from CISA/CIRCIA incident reporting and VERIS. Models are strict and reject unknown
fields; :func:`parse_report` lists every problem with its field path so a form or a script
can fix them all in one go. :func:`report_json_schema` is what automation validates against.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from intel.errors import FormatError
from intel.markings import TLP, Label, Policy
from intel.report_vocab import (
    ActorType,
    AssetKind,
    Category,
    Containment,
    FunctionalImpact,
    InformationImpact,
    IntakeStatus,
    Recoverability,
    SafetyImpact,
    Sector,
    Stage,
    UsePurpose,
    YesNoUnknown,
    check_intake_transition,
)
from intel.stix import (
    Bilingual,
    CveId,
    Identifier,
    Indicator,
    IndicatorType,
    LabelText,
    Pattern,
    StrictModel,
    TechniqueId,
    dedupe,
    load_json,
    normalise_indicator,
    parse_model,
    problems_from_validation_error,
    to_json_text,
)

__all__ = [
    "Stage", "Sector", "Category", "FunctionalImpact", "InformationImpact", "SafetyImpact",
    "YesNoUnknown", "Containment", "ActorType", "UsePurpose", "AssetKind", "Recoverability",
    "IntakeStatus", "Contact", "ReportingEntity", "Timeline", "Ransom", "SupplyChain",
    "CrossBorder", "AffectedAsset", "Recovery", "QuickReport", "UpdateReport", "FinalReport",
    "IncidentReport", "FollowUpQuestion", "parse_report", "report_json_schema",
    "quick_report_defaults", "report_label", "check_intake_transition", "parse_follow_up",
    "MAX_REPORT_BYTES",
]

MAX_REPORT_BYTES = 1_000_000


# --------------------------------------------------------------------------- field types
ReportId = Identifier
OrgId = Annotated[str, Pattern(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                                "an organisation id of 1-64 letters, digits, '.', '_' or '-'")]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
CountryCode = Annotated[str, Pattern(r"^[A-Z]{2}$", "a two-letter country code like JP")]
Phone = Annotated[str, Pattern(r"^\+?[0-9][0-9 ()-]{5,30}$",
                               "a phone number like +81 3-1234-5678")]
Currency = Annotated[str, Pattern(r"^[A-Z]{3,5}$", "a currency code like JPY, USD or BTC")]


def _email(value: str) -> str:
    return normalise_indicator(IndicatorType.EMAIL, value)


class Contact(StrictModel):
    name: ShortText
    email: Annotated[str, Field(max_length=254), AfterValidator(_email)]
    phone: Phone


class ReportingEntity(StrictModel):
    name: ShortText
    sector: Sector
    org_id: OrgId | None = None
    country: CountryCode = "JP"


class Timeline(StrictModel):
    occurred_at: AwareDatetime | None = None
    detected_at: AwareDatetime
    aware_at: AwareDatetime  # when the entity knew it was a significant incident (NIS2 clock)
    reported_at: AwareDatetime
    contained_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _order(self) -> Timeline:
        problems = []
        if self.occurred_at is not None and self.occurred_at > self.detected_at:
            problems.append("the incident cannot have started after it was detected")
        if self.aware_at < self.detected_at:
            problems.append("awareness time cannot be before detection time")
        if self.reported_at < self.aware_at:
            problems.append("report time cannot be before awareness time")
        if self.contained_at is not None and self.contained_at < self.detected_at:
            problems.append("containment time cannot be before detection time")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class Ransom(StrictModel):
    demanded: YesNoUnknown = YesNoUnknown.UNKNOWN
    paid: YesNoUnknown = YesNoUnknown.UNKNOWN
    amount: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=8)] | None = None
    currency: Currency | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Ransom:
        problems = []
        if self.paid is YesNoUnknown.YES and self.demanded is not YesNoUnknown.YES:
            problems.append("a ransom marked as paid must also be marked as demanded")
        if self.amount is not None and self.demanded is not YesNoUnknown.YES:
            problems.append("give a ransom amount only when a ransom was demanded")
        if (self.amount is None) != (self.currency is None):
            problems.append("give the ransom amount and its currency together")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class SupplyChain(StrictModel):
    involved: YesNoUnknown = YesNoUnknown.UNKNOWN
    path: str | None = Field(default=None, max_length=1000)  # e.g. "MSP remote tool -> VPN"

    @model_validator(mode="after")
    def _path(self) -> SupplyChain:
        if self.path and self.involved is not YesNoUnknown.YES:
            raise ValueError("describe a supply-chain path only when the supply chain is involved")
        return self


class CrossBorder(StrictModel):
    status: YesNoUnknown = YesNoUnknown.UNKNOWN
    countries: list[CountryCode] = Field(default_factory=list, max_length=60)

    @model_validator(mode="after")
    def _countries(self) -> CrossBorder:
        if self.countries and self.status is not YesNoUnknown.YES:
            raise ValueError("list affected countries only when the impact is cross-border")
        return self


class AffectedAsset(StrictModel):
    kind: AssetKind
    description: str = Field(min_length=1, max_length=500)
    count: int = Field(default=1, ge=1, le=10_000_000)


class Recovery(StrictModel):
    recoverability: Recoverability
    recovered_at: AwareDatetime | None = None
    description: str = Field(min_length=1, max_length=4000)


class _ReportBase(StrictModel):
    report_id: ReportId
    thread_id: ReportId  # the quick report's id; updates and the final report repeat it
    label: LabelText
    entity: ReportingEntity
    contact: Contact
    timeline: Timeline
    containment: Containment
    category: Category
    functional_impact: FunctionalImpact = FunctionalImpact.UNKNOWN
    information_impact: InformationImpact = InformationImpact.UNKNOWN
    safety_impact: SafetyImpact = SafetyImpact.UNKNOWN
    suspected_malicious: YesNoUnknown = YesNoUnknown.UNKNOWN
    actor: ActorType = ActorType.UNKNOWN
    supply_chain: SupplyChain = SupplyChain()
    cross_border: CrossBorder = CrossBorder()
    ransom: Ransom = Ransom()
    summary: str = Field(min_length=1, max_length=4000)
    purposes: Annotated[list[UsePurpose], AfterValidator(dedupe)] = Field(
        min_length=1, max_length=len(UsePurpose))
    consent: bool
    indicators: list[Indicator] = Field(default_factory=list, max_length=500)

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError("the reporter must consent to the stated purposes of use")
        return value


class QuickReport(_ReportBase):
    """速報 / NIS2 early warning: what is known in the first minutes."""

    stage: Literal[Stage.QUICK]


class _FollowUpBase(_ReportBase):
    previous_report_id: ReportId
    cves: Annotated[list[CveId], AfterValidator(dedupe)] = Field(
        default_factory=list, max_length=200)
    techniques: Annotated[list[TechniqueId], AfterValidator(dedupe)] = Field(
        default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _chain(self) -> _FollowUpBase:
        if self.previous_report_id == self.report_id:
            raise ValueError("previous_report_id must name an earlier report, not this one")
        return self


class UpdateReport(_FollowUpBase):
    """続報 / NIS2 incident notification: assessment, severity, impact, indicators."""

    stage: Literal[Stage.UPDATE]


class FinalReport(_FollowUpBase):
    """最終報告: root cause, mitigations and recovery."""

    stage: Literal[Stage.FINAL]
    affected_assets: list[AffectedAsset] = Field(min_length=1, max_length=200)
    root_cause: str = Field(min_length=1, max_length=8000)
    mitigations: list[Annotated[str, Field(min_length=1, max_length=1000)]] = Field(
        min_length=1, max_length=100)
    recovery: Recovery

    @field_validator("containment")
    @classmethod
    def _not_ongoing(cls, value: Containment) -> Containment:
        if value is Containment.ONGOING:
            raise ValueError(
                "a final report needs the incident contained or recovered; "
                "send an update while it is ongoing"
            )
        return value

    @field_validator("functional_impact", "information_impact", "safety_impact")
    @classmethod
    def _known(cls, value: Bilingual) -> Bilingual:
        if value.value == "unknown":
            raise ValueError("a final report must state this impact (not 'unknown')")
        return value


IncidentReport = QuickReport | UpdateReport | FinalReport
_MODELS: dict[str, type[QuickReport] | type[UpdateReport] | type[FinalReport]] = {
    Stage.QUICK.value: QuickReport, Stage.UPDATE.value: UpdateReport,
    Stage.FINAL.value: FinalReport,
}
_SCHEMA_ADAPTER: TypeAdapter[IncidentReport] = TypeAdapter(
    Annotated[IncidentReport, Field(discriminator="stage")]
)


def parse_report(data: bytes | str | Mapping[str, Any]) -> IncidentReport:
    """Validate an incident report (JSON bytes/text or a dict).

    Raises FormatError whose ``problems`` lists every problem, one line each with its path.
    """
    obj = load_json(data, "incident report", MAX_REPORT_BYTES)
    if not isinstance(obj, Mapping):
        raise FormatError("an incident report must be a JSON object",
                          ["report: expected a JSON object"])
    stage = obj.get("stage")
    model = _MODELS.get(stage) if isinstance(stage, str) else None
    problems: list[str] = []
    if model is None:
        problems.append("stage: must be one of quick, update, final")
        # Still check the fields every stage shares, so the user sees all problems at once.
        common = {k: v for k, v in obj.items() if k in _ReportBase.model_fields}
        try:
            _ReportBase.model_validate_json(to_json_text(common))
        except ValidationError as exc:
            problems += problems_from_validation_error(exc)
        raise FormatError(f"the incident report has {len(problems)} problem(s)", problems)
    try:
        return model.model_validate_json(to_json_text(obj))
    except ValidationError as exc:
        problems = problems_from_validation_error(exc)
        raise FormatError(f"the incident report has {len(problems)} problem(s)", problems) from None


def report_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of an incident report, for automated submitters."""
    schema = _SCHEMA_ADAPTER.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:renkei:schema:incident-report:1",
        "title": "Renkei incident report",
        "description": "Quick report (速報), update or final report; 'stage' selects which.",
        **schema,
    }


def report_label(report: IncidentReport, policy: Policy) -> Label:
    """The report's label, checked against the deployment policy."""
    return policy.parse_label(report.label)


def quick_report_defaults(
    now: dt.datetime,
    policy: Policy | None = None,
    entity: ReportingEntity | None = None,
    contact: Contact | None = None,
) -> dict[str, Any]:
    """Prefill for a hand-filled quick report: times, a fresh id, safe choices.

    Left for the person: category, summary and consent (and entity/contact when not given).
    """
    if now.tzinfo is None:
        raise ValueError("quick_report_defaults needs a timezone-aware time")
    pol = policy or Policy.default()
    rid = f"IR-{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"
    stamp = now.isoformat()
    prefill: dict[str, Any] = {
        "stage": Stage.QUICK.value,
        "report_id": rid,
        "thread_id": rid,
        # Incident reports name the victim: by default only the receiving organisation.
        "label": Label(pol.lowest.key, tlp=TLP.AMBER_STRICT).canonical(),
        "timeline": {"detected_at": stamp, "aware_at": stamp, "reported_at": stamp},
        "containment": Containment.ONGOING.value,
        "functional_impact": FunctionalImpact.UNKNOWN.value,
        "information_impact": InformationImpact.UNKNOWN.value,
        "safety_impact": SafetyImpact.UNKNOWN.value,
        "suspected_malicious": YesNoUnknown.UNKNOWN.value,
        "actor": ActorType.UNKNOWN.value,
        "supply_chain": {"involved": YesNoUnknown.UNKNOWN.value},
        "cross_border": {"status": YesNoUnknown.UNKNOWN.value, "countries": []},
        "ransom": {"demanded": YesNoUnknown.UNKNOWN.value, "paid": YesNoUnknown.UNKNOWN.value},
        "purposes": [UsePurpose.INCIDENT_RESPONSE.value],
        "consent": False,
        "indicators": [],
    }
    if entity is not None:
        prefill["entity"] = entity.model_dump(mode="json")
    if contact is not None:
        prefill["contact"] = contact.model_dump(mode="json")
    return prefill


class FollowUpQuestion(StrictModel):
    """A question from the receiving centre about a report, and the reporter's answer."""

    question_id: ReportId
    thread_id: ReportId
    report_id: ReportId
    asked_by: Annotated[str, Field(min_length=1, max_length=128)]
    asked_at: AwareDatetime
    fields: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20)  # paths of the report fields concerned
    question: str = Field(min_length=1, max_length=2000)
    answer: str | None = Field(default=None, min_length=1, max_length=4000)
    answered_by: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    answered_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _answered(self) -> FollowUpQuestion:
        problems = []
        given = [self.answer is not None, self.answered_by is not None,
                 self.answered_at is not None]
        if any(given) and not all(given):
            problems.append("an answer needs its text, who answered and when, together")
        if self.answered_at is not None and self.answered_at < self.asked_at:
            problems.append("a question cannot be answered before it was asked")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def parse_follow_up(data: bytes | str | Mapping[str, Any]) -> FollowUpQuestion:
    return parse_model(FollowUpQuestion, data, "follow-up question", MAX_REPORT_BYTES)

"""The pick-lists of incident reports (English and Japanese names) and intake statuses.

Kept apart from the report models so forms can load them without the models, and so each
module stays readable.
"""

from __future__ import annotations

from intel.errors import IntelError
from intel.stix import Bilingual

__all__ = [
    "Stage", "Sector", "Category", "FunctionalImpact", "InformationImpact", "SafetyImpact",
    "YesNoUnknown", "Containment", "ActorType", "UsePurpose", "AssetKind", "Recoverability",
    "IntakeStatus", "check_intake_transition",
]


class Stage(Bilingual):
    QUICK = "quick"
    UPDATE = "update"
    FINAL = "final"


class Sector(Bilingual):
    """Critical-infrastructure sectors (Japan's designated sectors and CISA's, merged)."""

    INFORMATION_COMMUNICATIONS = "information_communications"
    FINANCE = "finance"
    CREDIT = "credit"
    AVIATION = "aviation"
    AIRPORTS = "airports"
    RAILWAYS = "railways"
    PORTS = "ports"
    LOGISTICS = "logistics"
    ELECTRICITY = "electricity"
    GAS = "gas"
    PETROLEUM = "petroleum"
    CHEMICAL = "chemical"
    WATER = "water"
    HEALTHCARE = "healthcare"
    GOVERNMENT = "government"
    DEFENSE_INDUSTRY = "defense_industry"
    NUCLEAR = "nuclear"
    MANUFACTURING = "critical_manufacturing"
    FOOD_AGRICULTURE = "food_agriculture"
    EMERGENCY_SERVICES = "emergency_services"
    DAMS = "dams"
    SPACE = "space"
    OTHER = "other"


class Category(Bilingual):
    RANSOMWARE = "ransomware"
    DDOS = "ddos"
    INTRUSION = "intrusion"
    DATA_BREACH = "data_breach"
    MALWARE = "malware"
    PHISHING = "phishing"
    SUPPLY_CHAIN = "supply_chain"
    INSIDER = "insider"
    DEFACEMENT = "defacement"
    OTHER = "other"


class FunctionalImpact(Bilingual):
    """CISA functional impact (effect on the services the entity provides)."""

    UNKNOWN = "unknown"
    NONE = "none"
    MINIMAL_NON_CRITICAL = "minimal_non_critical"
    MINIMAL_CRITICAL = "minimal_critical"
    SIGNIFICANT_NON_CRITICAL = "significant_non_critical"
    DENIAL_NON_CRITICAL = "denial_non_critical"
    SIGNIFICANT_CRITICAL = "significant_critical"
    DENIAL_CRITICAL = "denial_critical"


class InformationImpact(Bilingual):
    """CISA information impact (what happened to the data)."""

    UNKNOWN = "unknown"
    NONE = "none"
    SUSPECTED = "suspected"
    PRIVACY_BREACH = "privacy_breach"
    PROPRIETARY_BREACH = "proprietary_breach"
    DESTRUCTION_NON_CRITICAL = "destruction_non_critical"
    CRITICAL_SYSTEMS_BREACH = "critical_systems_breach"
    CORE_CREDENTIAL_COMPROMISE = "core_credential_compromise"
    DESTRUCTION_CRITICAL = "destruction_critical"


class SafetyImpact(Bilingual):
    UNKNOWN = "unknown"
    NONE = "none"
    POTENTIAL = "potential"
    INJURY = "injury"
    LOSS_OF_LIFE = "loss_of_life"


class YesNoUnknown(Bilingual):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Containment(Bilingual):
    ONGOING = "ongoing"
    CONTAINED = "contained"
    RECOVERED = "recovered"


class ActorType(Bilingual):
    """VERIS actor category."""

    UNKNOWN = "unknown"
    EXTERNAL = "external"
    INTERNAL = "internal"
    PARTNER = "partner"


class UsePurpose(Bilingual):
    """What the reporter allows the receiving centre to use the report for."""

    INCIDENT_RESPONSE = "incident_response"
    EARLY_WARNING = "early_warning"
    STATISTICS = "statistics"
    REGULATOR = "regulator"
    LAW_ENFORCEMENT = "law_enforcement"


class AssetKind(Bilingual):
    """VERIS asset categories, plus OT and cloud."""

    SERVER = "server"
    USER_DEVICE = "user_device"
    NETWORK = "network"
    OT = "ot"
    CLOUD = "cloud"
    MEDIA = "media"
    PEOPLE = "people"
    OTHER = "other"


class Recoverability(Bilingual):
    """CISA recoverability."""

    REGULAR = "regular"
    SUPPLEMENTED = "supplemented"
    EXTENDED = "extended"
    NOT_RECOVERABLE = "not_recoverable"


class IntakeStatus(Bilingual):
    RECEIVED = "received"
    TRIAGED = "triaged"
    NEED_INFO = "need-info"
    CLOSED = "closed"


_INTAKE_NEXT: dict[IntakeStatus, frozenset[IntakeStatus]] = {
    IntakeStatus.RECEIVED: frozenset({IntakeStatus.TRIAGED, IntakeStatus.NEED_INFO,
                                      IntakeStatus.CLOSED}),
    IntakeStatus.TRIAGED: frozenset({IntakeStatus.NEED_INFO, IntakeStatus.CLOSED}),
    IntakeStatus.NEED_INFO: frozenset({IntakeStatus.TRIAGED, IntakeStatus.CLOSED}),
    IntakeStatus.CLOSED: frozenset({IntakeStatus.TRIAGED}),  # reopened by a new follow-up
}


def check_intake_transition(current: IntakeStatus, new: IntakeStatus) -> None:
    """Raise IntelError when a report's intake status may not move from ``current`` to ``new``."""
    if new not in _INTAKE_NEXT[current]:
        allowed = ", ".join(s.value for s in sorted(_INTAKE_NEXT[current]))
        raise IntelError(
            f"intake status cannot go from {current.value} to {new.value}; allowed: {allowed}"
        )

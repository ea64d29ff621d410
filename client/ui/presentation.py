"""Pure presentation rules: what the home screen shows per role, advisory trends, due dates,
fingerprint grouping. No Qt, so tests call them directly; widgets translate the keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from client.ui.values import (
    SEVERITIES,
    Advisory,
    Brief,
    KeyChangeNotice,
    ReportSummary,
    RoomSummary,
    Severity,
)

__all__ = [
    "ROLES",
    "Tile",
    "available_views",
    "TrendBucket",
    "advisory_trend",
    "due_status",
    "fingerprint_rows",
    "format_size",
    "home_tiles",
    "ms_to_date",
    "primary_role",
]

ROLES = ("analyst", "responder", "executive", "operator", "publisher", "intake")
Role = Literal["analyst", "responder", "executive", "operator", "publisher", "intake"]
# Certificate roles (crypto.certs.ROLES) that come with a home view of their own.
_CERT_ROLE_VIEWS = {"publisher": "publisher", "intake": "intake", "reporter": "operator"}
# Views anyone may choose: reading, coordinating, the calm overview, reporting incidents.
_OPEN_VIEWS = ("analyst", "responder", "executive", "operator")
DueStatus = Literal["overdue", "soon", "later", "none"]
SOON_DAYS = 7


def format_size(n: int) -> str:
    """A file size as people read it (1,000-based, as file managers show): "532 B",
    "1.2 MB"."""
    if n < 1000:
        return f"{max(n, 0)} B"
    size = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1000
        if size < 999.95 or unit == "TB":
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def ms_to_date(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).date()


def _views_of(roles: Iterable[str]) -> set[str]:
    return {_CERT_ROLE_VIEWS.get(r, r) for r in roles}


def primary_role(roles: Iterable[str]) -> Role:
    """The role whose home is shown first; analysts' home when no known role is held.
    Certificate roles count as their views (publisher, intake, reporter -> operator)."""
    held = _views_of(roles)
    for role in ("executive", "publisher", "intake", "operator", "responder", "analyst"):
        if role in held:
            return role
    return "analyst"


def available_views(roles: Iterable[str]) -> list[str]:
    """The home views a person may choose: the open ones, and those their certificate's
    roles grant (publisher, intake)."""
    held = _views_of(roles) | set(_OPEN_VIEWS)
    return [v for v in ROLES if v in held]


def fingerprint_rows(fingerprint: str, per_row: int = 4) -> list[list[str]]:
    """Split a safety number into rows of groups, as people read them aloud."""
    groups = fingerprint.split()
    return [groups[i : i + per_row] for i in range(0, len(groups), per_row)]


def due_status(due: date | None, today: date) -> DueStatus:
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=SOON_DAYS):
        return "soon"
    return "later"


@dataclass(frozen=True)
class TrendBucket:
    start: date  # Monday of the week
    counts: tuple[tuple[Severity, int], ...]  # in SEVERITIES order

    def count(self, severity: Severity) -> int:
        return dict(self.counts).get(severity, 0)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def advisory_trend(
    advisories: Iterable[Advisory], today: date, weeks: int = 12
) -> list[TrendBucket]:
    """Advisories per week by severity for the ``weeks`` weeks ending with this one."""
    last = week_start(today)
    starts = [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    tally: dict[date, dict[Severity, int]] = {s: dict.fromkeys(SEVERITIES, 0) for s in starts}
    for adv in advisories:
        ws = week_start(ms_to_date(adv.published_ms))
        if ws in tally:
            tally[ws][adv.severity] += 1
    return [TrendBucket(s, tuple((sev, tally[s][sev]) for sev in SEVERITIES)) for s in starts]


@dataclass(frozen=True)
class Tile:
    """A home-screen tile; ``key`` names the text the widget shows, ``target`` the page."""

    key: str
    count: int | None
    target: str
    enabled: bool = True
    urgent: bool = False


def home_tiles(
    roles: Iterable[str],
    rooms: Sequence[RoomSummary],
    briefs: Sequence[Brief],
    advisories: Sequence[Advisory],
    key_changes: Sequence[KeyChangeNotice],
    today: date,
    reports: Sequence[ReportSummary] = (),
) -> list[Tile]:
    """Tiles for the holder's primary role, then the shared ones."""
    role = primary_role(roles)
    unread = sum(r.unread for r in rooms)
    unacked = sum(1 for b in briefs if b.acknowledged_ms is None)
    recent = [a for a in advisories if (today - ms_to_date(a.published_ms)).days <= 30]
    severe = sum(1 for a in recent if a.severity in ("critical", "high"))
    due = [x.due for a in advisories for x in a.actions]
    overdue = sum(1 for d in due if due_status(d, today) == "overdue")
    soon = sum(1 for d in due if due_status(d, today) == "soon")
    affects = sum(1 for a in recent if a.affects_us == "yes")
    tiles: list[Tile] = []
    if role == "executive":
        tiles += [
            Tile("severe_advisories", severe, "advisories", urgent=severe > 0),
            Tile("affects_us", affects, "advisories", urgent=affects > 0),
            Tile("actions_overdue", overdue, "advisories", urgent=overdue > 0),
            Tile("actions_soon", soon, "advisories"),
        ]
    elif role == "analyst":
        tiles += [
            Tile("briefs_unacked", unacked, "briefs", urgent=unacked > 0),
            Tile("advisories_recent", len(recent), "advisories"),
            Tile("search", None, "search"),
        ]
    elif role == "responder":
        tiles += [
            Tile("rooms_unread", unread, "rooms", urgent=unread > 0),
            Tile("advisories_recent", len(recent), "advisories"),
        ]
    elif role == "operator":
        questions = sum(r.open_questions for r in reports if r.mine)
        tiles += [
            Tile("report_incident", None, "reports"),
            Tile("report_questions", questions, "reports", urgent=questions > 0),
            Tile("rooms_unread", unread, "rooms", urgent=unread > 0),
        ]
    elif role == "intake":
        new = sum(1 for r in reports if r.status == "received")
        waiting = sum(1 for r in reports if r.status == "need-info")
        tiles += [
            Tile("reports_new", new, "reports", urgent=new > 0),
            Tile("reports_waiting", waiting, "reports"),
            Tile("advisories_recent", len(recent), "advisories"),
        ]
    else:  # publisher
        tiles += [
            Tile("compose_advisory", None, "publish"),
            Tile("advisories_recent", len(recent), "advisories"),
            Tile("kev_catalog", None, "kev"),
        ]
    if key_changes:
        tiles.append(Tile("key_changes", len(key_changes), "directory", urgent=True))
    if role not in ("responder", "operator"):
        tiles.append(Tile("rooms_unread", unread, "rooms"))
    return tiles

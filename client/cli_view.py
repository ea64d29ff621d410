"""How the CLI shows items: portion marks, classification banners, rejected items, gaps."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from client.cli import CliError, t


def parse_label(policy: Any, text: str, option: str = "--label") -> str:
    """A label as typed (any case; ``REL:`` organisations kept as given), canonical."""
    from intel.errors import IntelError

    head, sep, rel = text.strip().partition("//REL:")
    try:
        return str(policy.parse_label(head.upper() + sep + rel).canonical())
    except IntelError as exc:
        raise CliError(f"{option} {text!r}: {exc}") from None


def when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def portion(label: str) -> str:
    """The portion mark every message carries."""
    return f"({label})" if label else "(UNMARKED)"


def banner(policy: Any, labels: Iterable[str], lang: str = "en") -> str | None:
    """The highest label on screen, as the banner at the top and bottom shows it."""
    from intel.errors import IntelError
    from intel.markings import least_upper_bound

    parsed = []
    for text in labels:
        try:
            parsed.append(policy.parse_label(text))
        except IntelError:
            continue
    try:
        top = least_upper_bound(policy, parsed)
    except IntelError:
        return None
    if top is None:
        return None
    text = policy.banner_text(top, lang)
    return f"==== {text} ===="


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def item_lines(item: Any, acks: Sequence[str] = ()) -> list[str]:
    """One stored item as text lines (never the content of a rejected item)."""
    who = item.sender_name or item.sender_user or item.sender_device or "?"
    head = f"[{when(item.created_ms)}] {who}"
    if item.sender_user and item.sender_name:
        head += f" <{item.sender_user}>"
    head += f"  {portion(item.label)}"
    if item.kind not in ("message", "system"):
        head += f"  [{item.kind}]"
    lines = [head]
    if item.status == "rejected":
        lines.append("    !! " + t("REJECTED", "拒否") + f": {item.reject_reason} — "
                     + t("content withheld", "内容は表示しません"))
        return lines
    if item.title:
        lines.append(f"    {item.title}")
    for line in (item.body or "").splitlines() or ([""] if not item.title else []):
        lines.append(f"    {line}")
    if item.payload:
        try:
            payload = json.loads(item.payload)
        except ValueError:
            payload = {}
        for a in payload.get("attachments", []):
            lines.append(f"    [{t('attachment', '添付')}] {a.get('name')} "
                         f"({_size(int(a.get('size', 0)))}, id {str(a.get('id'))[:12]}…)")
    if acks:
        lines.append("    ✓ " + t("read by", "既読") + ": " + ", ".join(sorted(acks)))
    lines.append(f"    id {item.item_id}" + (f"  seq {item.seq}" if item.seq else ""))
    return lines


def gap_line(sender: str, first: int, last: int) -> str:
    n = last - first + 1
    return ("    … " + t(f"GAP: {n} message(s) from {sender} never arrived (seq {first}"
                          + (f"–{last}" if last != first else "") + ")",
                          f"欠落: {sender} からの {n} 件が届いていません（seq {first}"
                          + (f"–{last}" if last != first else "") + "）"))


def item_json(item: Any, acks: Sequence[str] = ()) -> str:
    d: dict[str, Any] = {
        "id": item.item_id, "room": item.room_id, "kind": item.kind, "label": item.label,
        "sender_user": item.sender_user, "sender_name": item.sender_name,
        "sender_device": item.sender_device, "seq": item.seq, "created_ms": item.created_ms,
        "status": item.status,
    }
    if item.status == "rejected":
        d["reject_reason"] = item.reject_reason
    else:
        d.update(title=item.title, body=item.body, thread=item.thread_id,
                 reply_to=item.reply_to, acked_by=sorted(acks))
        if item.payload:
            with_payload = json.loads(item.payload)
            for a in with_payload.get("attachments", []):
                a.pop("key", None)
                a.pop("header", None)
            d["payload"] = with_payload
    return json.dumps(d, ensure_ascii=False)

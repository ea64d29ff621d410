"""Rich-text rendering of briefs and advisories with a portion mark on every portion.

All document text is escaped: content from other people is never interpreted as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QCoreApplication

from client.ui.backend import Advisory, Brief, Indicator, Section
from client.ui.marks import chip_html
from client.ui.presentation import due_status
from client.ui.timeline import format_time
from intel.markings import Label, Policy

__all__ = ["advisory_annex_html", "advisory_summary_html", "brief_html", "document_labels"]


translate = QCoreApplication.translate


def _para(text: str) -> str:
    return "<br/>".join(html.escape(line) for line in text.splitlines()) or "&nbsp;"


def sections_html(policy: Policy, sections: Iterable[Section]) -> str:
    parts = []
    for s in sections:
        parts.append(f"<h3>{chip_html(policy, s.label)} {html.escape(s.title)}</h3>"
                     f"<p>{_para(s.text)}</p>")
    return "".join(parts)


def brief_html(policy: Policy, brief: Brief) -> str:
    head = (f"<h2>{chip_html(policy, brief.label)} {html.escape(brief.title)}</h2>"
            f"<p><i>{html.escape(brief.author)} · {html.escape(brief.org)} · "
            f"{format_time(brief.published_ms)}</i></p>")
    if not brief.sections:
        none = translate("Documents", "No section of this brief is readable at your clearance.")
        return head + f"<p>{html.escape(none)}</p>"
    return head + sections_html(policy, brief.sections)


def _official(adv: Advisory) -> str:
    if adv.official:
        text = translate("Documents", "Official: signed by the publisher")
        return f'<p style="color:#1b5e20;"><b>✔ {html.escape(text)}</b></p>'
    text = translate("Documents", "Not verified as official: no valid publisher signature")
    return f'<p style="color:#6d4c41;">{html.escape(text)}</p>'


def _h3(text: str) -> str:
    return f"<h3>{html.escape(text)}</h3>"


def advisory_summary_html(policy: Policy, adv: Advisory, today: date) -> str:
    """The executive view: what happened, does it affect us, what to do by when."""
    if adv.affects_us == "yes":
        affects = translate("Documents", "Yes, this affects us")
    elif adv.affects_us == "no":
        affects = translate("Documents", "No, this does not affect us")
    else:
        affects = translate("Documents", "Not yet known whether this affects us")
    out = [f"<h2>{chip_html(policy, adv.label)} {html.escape(adv.title)}</h2>", _official(adv)]
    out.append(_h3(translate("Documents", "What happened")))
    out.append(sections_html(policy, adv.summary))
    out.append(_h3(translate("Documents", "Does it affect us?")))
    out.append(f"<p><b>{html.escape(affects)}</b> {html.escape(adv.affects_reason)}</p>")
    if adv.actions:
        out.append(_h3(translate("Documents", "What to do")) + "<ul>")
        for a in adv.actions:
            due = ""
            if a.due is not None:
                status = due_status(a.due, today)
                colour = {"overdue": "#b71c1c", "soon": "#e65100"}.get(status, "#37474f")
                if status == "overdue":
                    text = translate("Documents", "overdue since %1")
                else:
                    text = translate("Documents", "due %1")
                text = html.escape(text.replace("%1", a.due.isoformat()))
                due = f' — <span style="color:{colour};">{text}</span>'
            out.append(f"<li>{chip_html(policy, a.label)} {html.escape(a.text)}{due}</li>")
        out.append("</ul>")
    return "".join(out)


def _facts(policy: Policy, title: str, facts: Iterable[Indicator]) -> str:
    rows = [f"<li>{chip_html(policy, f.label)} <code>{html.escape(f.value)}</code>"
            + (f" — {html.escape(f.note)}" if f.note else "")
            + (f" <small>({html.escape(f.kind)})</small>" if f.kind else "")
            + "</li>" for f in facts]
    return f"<h3>{html.escape(title)}</h3><ul>{''.join(rows)}</ul>" if rows else ""


def advisory_annex_html(policy: Policy, adv: Advisory) -> str:
    """The analyst view: technical annex, indicators, ATT&CK techniques, CVEs."""
    out = [f"<h2>{chip_html(policy, adv.label)} {html.escape(adv.title)}</h2>", _official(adv),
           f"<p><i>{html.escape(adv.publisher)} · {format_time(adv.published_ms)}</i></p>"]
    out.append(sections_html(policy, adv.annex))
    out.append(_facts(policy, translate("Documents", "Indicators"), adv.indicators))
    out.append(_facts(policy, translate("Documents", "ATT&CK techniques"), adv.techniques))
    out.append(_facts(policy, translate("Documents", "Vulnerabilities (CVE)"), adv.cves))
    return "".join(out)


def document_labels(doc: Brief | Advisory, *, annex: bool = True) -> list[Label]:
    """Every label a rendering of ``doc`` puts on screen."""
    labels = [doc.label]
    if isinstance(doc, Brief):
        return labels + [s.label for s in doc.sections]
    labels += [s.label for s in doc.summary] + [a.label for a in doc.actions]
    if annex:
        labels += [s.label for s in doc.annex]
        labels += [i.label for i in (*doc.indicators, *doc.techniques, *doc.cves)]
    return labels

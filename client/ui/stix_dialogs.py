"""STIX 2.1 export and import, and TAXII 2.1 push and pull, as dialogs.

Export offers only the audiences the content may go to (``stix_rules.offered_audiences``)
and says, before and after, which parts stay behind. TAXII offers the public and the
community only: it carries TLP:CLEAR and TLP:GREEN, nothing else. Every exchange runs on the
worker thread; problems are listed one per line, never as a traceback.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import (
    AudienceSpec,
    BackendError,
    ExportPart,
    ExportSource,
    StixExportResult,
    StixImportResult,
    TaxiiPushResult,
)
from client.ui.i18n import current_language
from client.ui.marks import ClassificationBanner, chip_html
from client.ui.page import UiContext
from client.ui.rules import banner_label
from client.ui.stix_rules import (
    ExportPlan,
    audience_options,
    offered_audiences,
    taxii_audiences,
)
from intel.markings import Label, Policy

__all__ = ["ExchangeActions", "ExchangeButtons", "ExportDialog", "TaxiiDialog", "audience_text",
           "import_html"]

translate = QCoreApplication.translate
ChooseFile = Callable[[QWidget, str], str]


def choose_save(parent: QWidget, suggested: str) -> str:
    path, _f = QFileDialog.getSaveFileName(parent, translate("Exchange", "Save STIX bundle"),
                                           suggested, "STIX (*.json)")
    return str(path)


def choose_open(parent: QWidget, _suggested: str) -> str:
    path, _f = QFileDialog.getOpenFileName(parent, translate("Exchange", "Import STIX bundle"),
                                           "", "STIX (*.json)")
    return str(path)


def audience_text(policy: Policy, spec: AudienceSpec, holder_org: str) -> str:
    if spec.kind == "public":
        return translate("Exchange", "The public (anyone; TLP:CLEAR only)")
    if spec.kind == "community":
        return translate("Exchange", "The community (every certified user; up to TLP:GREEN)")
    level = policy.level(spec.level).display(current_language()) if spec.level else \
        policy.lowest.display(current_language())
    comps = "/".join(sorted(spec.compartments))
    reach = f"{level} {comps}".strip()
    if spec.org == holder_org:
        return translate("Exchange", "My organisation %1 (up to %2)").replace(
            "%1", spec.org).replace("%2", reach)
    return translate("Exchange", "Organisation %1 (up to %2)").replace(
        "%1", spec.org).replace("%2", reach)


def _parts_html(policy: Policy, parts: Sequence[ExportPart]) -> str:
    if not parts:
        return "<p>—</p>"
    rows = "".join(f"<li>{chip_html(policy, p.label)} {html.escape(p.title)}</li>"
                   for p in parts)
    return f"<ul>{rows}</ul>"


def plan_html(policy: Policy, included: Sequence[ExportPart],
              left_out: Sequence[ExportPart]) -> str:
    done = html.escape(translate("Exchange", "Exported"))
    left = html.escape(translate("Exchange", "Left out: this audience may not have it"))
    return (f"<h4>{done}</h4>" + _parts_html(policy, included)
            + f"<h4>{left}</h4>" + _parts_html(policy, left_out))


def export_html(policy: Policy, res: StixExportResult) -> str:
    head = translate("Exchange", "Wrote %1 STIX objects to %2 (markings: %3).").replace(
        "%1", str(res.objects)).replace("%2", res.path).replace("%3", ", ".join(res.tlps))
    return f"<p>{html.escape(head)}</p>" + plan_html(policy, res.included, res.left_out)


def import_html(res: StixImportResult) -> str:
    head = translate("Exchange", "%1 new, %2 updated, %3 unchanged; %4 withheld (marked above "
                     "your clearance, not kept).").replace("%1", str(res.stored)).replace(
        "%2", str(res.updated)).replace("%3", str(res.unchanged)).replace(
        "%4", str(res.withheld))
    out = [f"<p>{html.escape(head)}</p>"]
    for title, pairs in ((translate("Exchange", "Markings found"), res.by_marking),
                         (translate("Exchange", "Objects by type"), res.by_type),
                         (translate("Exchange", "Not imported (type not supported)"),
                          res.skipped)):
        if pairs:
            rows = "".join(f"<li>{html.escape(k)}: {n}</li>" for k, n in pairs)
            out.append(f"<h4>{html.escape(title)}</h4><ul>{rows}</ul>")
    return "".join(out)


def problems_html(err: BackendError) -> str:
    msg = err.message_ja if current_language() == "ja" else str(err)
    out = f"<p>{html.escape(msg)}</p>"
    if err.problems:
        out += "<ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in err.problems) + "</ul>"
    return out


class ResultDialog(QDialog):
    """What an exchange did (or every problem it met)."""

    def __init__(self, title: str, body: str, parent: QWidget | None = None, *,
                 policy: Policy | None = None, label: Label | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QTextBrowser(self)
        self.text.setHtml(body)
        self.text.setAccessibleName(title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(buttons)
        if policy is not None and label is not None:  # it names marked parts: banners
            for where, at in (("top", 0), ("bottom", lay.count())):
                banner = ClassificationBanner(policy, where, self)
                banner.set_label(label)
                lay.insertWidget(at, banner)
        self.resize(560, 380)


class ExportDialog(QDialog):
    """Choose who receives the export and where the file goes; see what stays behind."""

    def __init__(self, ctx: UiContext, source: ExportSource, plans: Sequence[ExportPlan],
                 choose: ChooseFile = choose_save, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.source, self.plans, self._choose = ctx, source, list(plans), choose
        self.setWindowTitle(self.tr("Export STIX 2.1"))
        what = (self.tr("Export “%1”").replace("%1", source.title) if source.kind == "document"
                else self.tr("Export %1 message(s)").replace("%1", str(len(source.ids))))
        self.heading = QLabel(what, self)
        self.audience = QComboBox(self)
        self.audience.setAccessibleName(self.tr("Audience"))
        org = ctx.identity.org
        for plan in self.plans:
            self.audience.addItem(audience_text(ctx.policy, plan.audience, org))
        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName(self.tr("What is exported and what is left out"))
        self.path = QLineEdit(self)
        self.path.setAccessibleName(self.tr("File to write"))
        self.browse = QPushButton(self.tr("Choose…"), self)
        self.browse.setAccessibleName(self.tr("Choose the file to write"))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.addButton(self.tr("Export"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName(self.tr("Export"))
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(self.tr("Audience:"), self.audience)
        form.addRow(self.tr("File:"), row)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addLayout(form)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.note)
        lay.addWidget(self.buttons)
        self.audience.currentIndexChanged.connect(self._update)
        self.path.textChanged.connect(self._update)
        self.browse.clicked.connect(self._browse)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # The dialog names parts of classified content: it carries banners like a window.
        shown = banner_label(ctx.policy, [source.header, *(p.label for p in source.parts)])
        self.banners = (ClassificationBanner(ctx.policy, "top", self),
                        ClassificationBanner(ctx.policy, "bottom", self))
        for banner in self.banners:
            banner.set_label(shown)
        lay.insertWidget(0, self.banners[0])
        lay.addWidget(self.banners[1])
        if not self.plans:
            self.note.setText(self.tr("Nothing of this may leave Renkei: its markings allow "
                                      "no export audience."))
        self.resize(620, 460)
        self._update()

    def plan(self) -> ExportPlan | None:
        i = self.audience.currentIndex()
        return self.plans[i] if 0 <= i < len(self.plans) else None

    def _browse(self) -> None:
        plan = self.plan()
        suggested = f"{(self.source.ids or ('export',))[0]}-{plan.audience.spec if plan else ''}"
        chosen = self._choose(self, suggested.replace(":", "_") + ".stix.json")
        if chosen:
            self.path.setText(chosen)

    def _update(self) -> None:
        plan = self.plan()
        if plan is not None:
            self.preview.setHtml(plan_html(self.ctx.policy, plan.included, plan.left_out))
        self.ok.setEnabled(plan is not None and bool(self.path.text().strip()))


class TaxiiDialog(QDialog):
    """Push shareable content to, or pull from, a TAXII 2.1 collection."""

    def __init__(self, ctx: UiContext, source: ExportSource | None,
                 plans: Sequence[ExportPlan], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.source, self.plans = ctx, source, list(plans)
        self.setWindowTitle(self.tr("TAXII 2.1"))
        self.intro = QLabel(self.tr("TAXII carries TLP:CLEAR and TLP:GREEN only: anything "
                                    "marked higher is never sent."), self)
        self.intro.setWordWrap(True)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://taxii.example/")
        self.collection = QLineEdit(self)
        self.user = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.audience = QComboBox(self)
        for plan in self.plans:
            self.audience.addItem(audience_text(ctx.policy, plan.audience, ctx.identity.org))
        self.push_button = QPushButton(self.tr("&Push"), self)
        self.pull_button = QPushButton(self.tr("P&ull into Renkei"), self)
        self.status = QTextBrowser(self)
        self.status.setMaximumHeight(160)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Server URL:"), self.url)
        form.addRow(self.tr("Collection id:"), self.collection)
        form.addRow(self.tr("User:"), self.user)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("Push for:"), self.audience)
        row = QHBoxLayout()
        row.addWidget(self.push_button)
        row.addWidget(self.pull_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.status)
        lay.addWidget(close)
        for w, name in ((self.url, self.tr("TAXII server URL")),
                        (self.collection, self.tr("Collection id")),
                        (self.user, self.tr("TAXII user")),
                        (self.password, self.tr("TAXII password")),
                        (self.audience, self.tr("Push for")),
                        (self.push_button, self.tr("Push to TAXII")),
                        (self.pull_button, self.tr("Pull from TAXII")),
                        (self.status, self.tr("TAXII result"))):
            w.setAccessibleName(name)
        self.push_button.clicked.connect(self.push)
        self.pull_button.clicked.connect(self.pull)
        for edit in (self.url, self.collection):
            edit.textChanged.connect(lambda _t: self._update())
        if source is not None and not self.plans:
            self.status.setHtml(html.escape(self.tr(
                "Nothing of this is TLP:CLEAR or TLP:GREEN at the lowest level: it may not "
                "be pushed.")))
        self.resize(560, 460)
        self._update()

    def _credentials(self) -> tuple[str, str] | None:
        return (self.user.text(), self.password.text()) if self.user.text() else None

    def _update(self, busy: bool = False) -> None:
        ready = bool(self.url.text().strip() and self.collection.text().strip()) and not busy
        self.push_button.setEnabled(ready and self.source is not None and bool(self.plans))
        self.pull_button.setEnabled(ready)

    def push(self) -> None:
        i = self.audience.currentIndex()
        if self.source is None or not 0 <= i < len(self.plans):
            return
        source, spec = self.source, self.plans[i].audience
        url, coll, cred = self.url.text().strip(), self.collection.text().strip(), \
            self._credentials()
        backend = self.ctx.backend
        self._run(lambda: backend.taxii_push(url, coll, cred, source.kind, source.ids, spec),
                  self._pushed)

    def pull(self) -> None:
        url, coll, cred = self.url.text().strip(), self.collection.text().strip(), \
            self._credentials()
        backend = self.ctx.backend
        self._run(lambda: backend.taxii_pull(url, coll, cred), self._pulled)

    def _run(self, job: Callable[[], object], done: Callable[[object], None]) -> None:
        self._update(busy=True)
        self.status.setHtml(html.escape(self.tr("Working…")))

        def ok(res: object) -> None:
            self._update()
            done(res)

        def failed(err: BackendError) -> None:
            self._update()
            self.status.setHtml(problems_html(err))

        self.ctx.runner.submit(job, ok, failed)

    def _pulled(self, res: object) -> None:
        assert isinstance(res, StixImportResult)
        self.status.setHtml(import_html(res))

    def _pushed(self, res: object) -> None:
        assert isinstance(res, TaxiiPushResult)
        text = self.tr("Pushed %1 objects: %2 accepted, %3 refused, %4 pending.").replace(
            "%1", str(res.objects)).replace("%2", str(res.succeeded)).replace(
            "%3", str(res.failed)).replace("%4", str(res.pending))
        self.status.setHtml(html.escape(text))


class ExchangeActions(QObject):
    """The export, import and TAXII actions a page offers; dialogs open non-modally and stay
    reachable as attributes (tests drive them)."""

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = parent
        self.choose_save: ChooseFile = choose_save
        self.choose_open: ChooseFile = choose_open
        self.dialog: QDialog | None = None
        self.result: ResultDialog | None = None

    def _plans(self, kind: str, ids: tuple[str, ...]) -> tuple[ExportSource, list[ExportPlan]]:
        backend, policy, org = self.ctx.backend, self.ctx.policy, self.ctx.identity.org
        source = backend.export_source(kind, ids)
        options = audience_options(policy, org, backend.directory())
        return source, offered_audiences(policy, org, source, options)

    def export(self, kind: str, ids: tuple[str, ...]) -> ExportDialog | None:
        try:
            source, plans = self._plans(kind, ids)
        except BackendError as err:
            self._show(self.tr("Export STIX 2.1"), problems_html(err))
            return None
        dlg = ExportDialog(self.ctx, source, plans, self.choose_save, self.page)
        dlg.accepted.connect(lambda: self._export(dlg))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _export(self, dlg: ExportDialog) -> None:
        plan, path = dlg.plan(), dlg.path.text().strip()
        if plan is None or not path:
            return
        backend, source, spec = self.ctx.backend, dlg.source, plan.audience
        title = self.tr("Export STIX 2.1")
        policy = self.ctx.policy
        shown = banner_label(policy, [source.header, *(p.label for p in source.parts)])
        self.ctx.runner.submit(
            lambda: backend.export_stix(source.kind, source.ids, spec, path),
            lambda res: self._show(title, export_html(policy, res), shown),
            lambda err: self._show(title, problems_html(err)))

    def import_file(self) -> None:
        path = self.choose_open(self.page, "")
        if not path:
            return
        backend = self.ctx.backend
        title = self.tr("Import STIX 2.1")
        self.ctx.runner.submit(lambda: backend.import_stix(path),
                               lambda res: self._show(title, import_html(res)),
                               lambda err: self._show(title, problems_html(err)))

    def taxii(self, kind: str | None, ids: tuple[str, ...]) -> TaxiiDialog:
        source, plans = None, []
        if kind is not None and ids:
            try:
                source, offered = self._plans(kind, ids)
                plans = taxii_audiences(offered)
            except BackendError as err:
                self.ctx.notify(str(err))
        dlg = TaxiiDialog(self.ctx, source, plans, self.page)
        self.dialog = dlg
        dlg.open()
        return dlg

    def _show(self, title: str, body: str, label: Label | None = None) -> None:
        self.result = ResultDialog(title, body, self.page, policy=self.ctx.policy, label=label)
        self.result.open()


class ExchangeButtons(QWidget):
    """"Export STIX…", "Import STIX…" and "TAXII…" for a reading pane; ``current`` gives the
    document shown (None: nothing to export)."""

    def __init__(self, ctx: UiContext, current: Callable[[], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exchanges = ExchangeActions(ctx, self)
        self._current = current
        self.export_button = QPushButton(self)
        self.import_button = QPushButton(self)
        self.taxii_button = QPushButton(self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for b in (self.export_button, self.import_button, self.taxii_button):
            lay.addWidget(b)
        lay.addStretch(1)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.exchanges.import_file)
        self.taxii_button.clicked.connect(self.taxii)
        self.retranslate()
        self.refresh()

    def refresh(self) -> None:
        self.export_button.setEnabled(self._current() is not None)

    def export(self) -> None:
        doc = self._current()
        if doc is not None:
            self.exchanges.export("document", (doc,))

    def taxii(self) -> None:
        doc = self._current()
        self.exchanges.taxii("document" if doc else None, (doc,) if doc else ())

    def retranslate(self) -> None:
        self.export_button.setText(self.tr("E&xport STIX…"))
        self.export_button.setAccessibleName(self.tr("Export this document as STIX"))
        self.import_button.setText(self.tr("&Import STIX…"))
        self.import_button.setAccessibleName(self.tr("Import a STIX bundle"))
        self.taxii_button.setText(self.tr("TAXII…"))
        self.taxii_button.setAccessibleName(self.tr("Push to or pull from a TAXII server"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

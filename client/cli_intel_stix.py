"""``renkei stix inspect | export | import`` and ``renkei taxii push | pull``."""

from __future__ import annotations

import json
from typing import Any

from client.cli import EXIT_USAGE, CliError, Context, Registry, read_passphrase_file, t
from client.cli_intel import guarded, online, read_file, show_problems, write_out


def register(reg: Registry) -> None:
    stix = reg.group("stix", t("STIX 2.1 bundles: inspect, export, import",
                               "STIX 2.1 バンドル: 検査・書き出し・取り込み"))
    sp = stix.command("inspect", cmd_inspect, t(
        "check a STIX bundle: counts by type and markings, or every problem (no account "
        "needed)", "STIX バンドルを検査する: 種類別件数とマーキング、または全問題"
        "（アカウント不要）"))
    sp.add_argument("file", metavar="FILE")
    sp = stix.command("export", cmd_export, t(
        "export what an audience may receive of a brief or advisory (or of chosen items)",
        "ブリーフ・注意喚起（または選んだ項目）のうち共有先が受け取れる部分を書き出す"))
    sp.add_argument("doc_id", metavar="DOC_ID", nargs="?")
    sp.add_argument("--items", nargs="+", metavar="ITEM_ID",
                    help="export these items instead of a document")
    _audience_args(sp)
    sp.add_argument("--out", required=True, metavar="FILE", help="'-' for stdout")
    sp = stix.command("import", cmd_import, t("import a STIX bundle as local items",
                                              "STIX バンドルを項目として取り込む"))
    sp.add_argument("file", metavar="FILE")

    taxii = reg.group("taxii", t("exchange TLP:CLEAR and TLP:GREEN content over TAXII 2.1",
                                 "TAXII 2.1 で TLP:CLEAR / TLP:GREEN の情報を交換する"))
    sp = taxii.command("push", cmd_push, t(
        "push a bundle file, or a document's shareable part (CLEAR/GREEN only)",
        "バンドルまたは文書の共有可能部分を送る（CLEAR/GREEN のみ）"))
    _taxii_args(sp)
    what = sp.add_mutually_exclusive_group(required=True)
    what.add_argument("--file", metavar="FILE", help="a STIX bundle")
    what.add_argument("--doc", metavar="DOC_ID", help="a brief or advisory held here")
    sp = taxii.command("pull", cmd_pull, t("fetch what a collection gained and import it",
                                           "コレクションの新着を取得して取り込む"))
    _taxii_args(sp)
    sp.add_argument("--from-start", action="store_true", help="ignore the saved cursor")


def _audience_args(sp: Any) -> None:
    sp.add_argument("--audience", required=True, metavar="WHO",
                    help="public, community, or org:ORG")
    sp.add_argument("--level", default=None,
                    help="with org:ORG, the highest level that organisation holds")
    sp.add_argument("--compartment", action="append", default=[], metavar="C",
                    help="with org:ORG, a compartment it holds (repeatable)")


def _taxii_args(sp: Any) -> None:
    sp.add_argument("url", metavar="URL", help="the TAXII server (https://…)")
    sp.add_argument("--collection", required=True, metavar="ID")
    sp.add_argument("--api-root", default=None, metavar="URL",
                    help="default: the server's default API root")
    sp.add_argument("--user", default=None, help="HTTP basic user name")
    sp.add_argument("--password-file", default=None, metavar="FILE",
                    help="the password, on the first line of FILE")


def _bundle(path: str) -> bytes:
    from intel.stix_import import MAX_BUNDLE_BYTES

    return read_file(path, "STIX bundle", MAX_BUNDLE_BYTES)


def cmd_inspect(ctx: Context) -> None:
    from intel.stix_import import inspect_bundle

    r = inspect_bundle(_bundle(ctx.args.file))
    if not r.ok:
        show_problems(ctx, r.problems)
        raise CliError(t(f"the STIX bundle has {len(r.problems)} problem(s)",
                         f"STIX バンドルに {len(r.problems)} 件の問題があります"), EXIT_USAGE)
    total = sum(r.counts.values())
    ctx.say(t(f"Valid STIX 2.1 bundle: {total} object(s).",
              f"有効な STIX 2.1 バンドル: {total} オブジェクト。"))
    for kind, n in sorted(r.counts.items()):
        ctx.say(f"  {kind}: {n}")
    ctx.say(t("Markings:", "マーキング:"))
    for mark, n in sorted(r.markings.items()):
        ctx.say(f"  {mark}: {n}")


def _audience(ctx: Context) -> Any:
    from sync.flows import audience_for

    a = ctx.args
    if (a.level or a.compartment) and not a.audience.startswith("org:"):
        raise CliError("--level and --compartment go with --audience org:ORG")
    return audience_for(ctx.session(), a.audience, level=a.level,
                        compartments=a.compartment)


@guarded("nothing was exported")
def cmd_export(ctx: Context) -> None:
    from intel.stix_export import bundle_to_json
    from sync.flows import export_document_stix, export_items_stix

    a = ctx.args
    if bool(a.doc_id) == bool(a.items):
        raise CliError("give a DOC_ID or --items ITEM_ID…, not both")
    audience = _audience(ctx)
    session = ctx.session()
    if a.doc_id:
        bundle = export_document_stix(session, a.doc_id, audience)
    else:
        bundle = export_items_stix(session, a.items, audience)
    write_out(ctx, a.out, bundle_to_json(bundle))
    n = len([o for o in bundle["objects"] if o.get("type") != "marking-definition"])
    ctx.note(t(f"Exported {n} object(s) for {audience.describe()} to {a.out}.",
               f"{audience.describe()} 向けに {n} オブジェクトを {a.out} へ書き出しました。"))


def _counts(d: Any) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "-"


def _imported(ctx: Context, r: Any) -> None:
    ctx.say(t(f"Imported: {r.stored} new, {r.updated} updated, {r.unchanged} unchanged, "
              f"{r.withheld} above this device's clearance (not kept).",
              f"取り込み: 新規 {r.stored}、更新 {r.updated}、変更なし {r.unchanged}、"
              f"この端末の資格を超えるため保持しない {r.withheld}。"))
    ctx.say(f"  {t('types', '種類')}: {_counts(r.by_type)}")
    ctx.say(f"  TLP: {_counts(r.by_tlp)}")
    if r.skipped:
        ctx.say(f"  {t('not imported', '取り込み対象外')}: {_counts(r.skipped)}")


@guarded("nothing was imported")
def cmd_import(ctx: Context) -> None:
    from sync.flows import import_stix

    data = _bundle(ctx.args.file)
    _imported(ctx, import_stix(ctx.session(), data))


def _auth(ctx: Context) -> tuple[str, str] | None:
    a = ctx.args
    if a.user is None:
        if a.password_file:
            raise CliError("--password-file goes with --user")
        return None
    if not a.password_file:
        raise CliError("--user needs --password-file FILE (a password is never an argument)")
    return a.user, read_passphrase_file(a.password_file)


@guarded("nothing was sent")
def cmd_push(ctx: Context) -> None:
    from intel.stix_export import Audience
    from intel.stix_import import import_bundle
    from sync.flows import export_document_stix, taxii_push

    a = ctx.args
    auth = _auth(ctx)
    if a.file:
        raw = _bundle(a.file)
        import_bundle(raw)  # every problem listed before anything is sent
        bundle = json.loads(raw)
        if bundle.get("type") != "bundle":
            bundle = {"type": "bundle", "objects": [bundle]}
    else:
        session = ctx.session()
        online(ctx)
        # A TAXII collection is outside Renkei: the community's share (CLEAR and GREEN).
        bundle = export_document_stix(session, a.doc,
                                      Audience.community(session.policy, session.cert.org))
    statuses = taxii_push(a.url, a.collection, bundle, api_root=a.api_root, auth=auth)
    ok = sum(s.success_count for s in statuses)
    failed = sum(s.failure_count for s in statuses)
    ctx.say(t(f"Pushed: {ok} accepted, {failed} refused by the TAXII server.",
              f"送信: 受理 {ok} 件、TAXII サーバによる拒否 {failed} 件。"))
    if failed:
        raise CliError(t("the TAXII server refused some objects",
                         "TAXII サーバが一部のオブジェクトを拒否しました"), 1)


@guarded("nothing was imported")
def cmd_pull(ctx: Context) -> None:
    from sync.flows import taxii_pull

    a = ctx.args
    auth = _auth(ctx)
    r = taxii_pull(ctx.session(), a.url, a.collection, api_root=a.api_root, auth=auth,
                   from_start=a.from_start)
    _imported(ctx, r)

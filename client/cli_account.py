"""``renkei account create | import-cert | show``: this device's identity and enrolment."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from client.cli import EXIT_FAILED, CliError, Context, Registry, read_input, t

MIN_PASSPHRASE = 8
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def register(reg: Registry) -> None:
    acct = reg.group("account", t("create, enrol and inspect this device's account",
                                  "この端末のアカウントの作成・登録・確認"))
    sp = acct.command("create", cmd_create, t(
        "generate this device's keys and write the enrolment request for the authority",
        "端末の鍵を生成し、認証局に提出する登録申請を書き出す"))
    sp.add_argument("--server", required=True, metavar="URL", help="the sharing server")
    who = sp.add_mutually_exclusive_group(required=True)
    who.add_argument("--authority", metavar="FILE", help="the authority.pub file to pin")
    who.add_argument("--authority-fingerprint", metavar="FP",
                     help="fetch the authority key from the server and pin it only if its "
                          "fingerprint is exactly this one (obtained out of band)")
    sp.add_argument("--user", required=True, metavar="ID", help="your user id")
    sp.add_argument("--name", required=True, help="your display name")
    sp.add_argument("--org", required=True, help="your organisation id")
    sp.add_argument("--keyring", action="store_true",
                    help="keep the keys in the OS keyring (default when one works)")

    sp = acct.command("import-cert", cmd_import_cert, t(
        "keep the certificate the authority issued for this device",
        "認証局が発行したこの端末の証明書を取り込む"))
    sp.add_argument("file", metavar="FILE")

    acct.command("show", cmd_show, t("show this device's identity and certificate",
                                     "この端末の識別情報と証明書を表示する"))


# ---------------------------------------------------------------------------- create
def _check_server(ctx: Context, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"--server {url!r} must be an http:// or https:// URL")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        ctx.warn("the server is reached over plain http://; use https:// outside a test bed")
    return url.rstrip("/")


def _normal_fp(text: str) -> str:
    return re.sub(r"[^0-9A-F]", "", text.upper())


def _authority(ctx: Context, server: str) -> Any:
    from crypto.authority import AuthorityPublic
    from crypto.errors import CryptoError
    from sync.engine import fetch_authority

    args = ctx.args
    if args.authority:
        try:
            return AuthorityPublic.parse(read_input(args.authority, "authority key file"))
        except CryptoError as exc:
            raise CliError(f"{args.authority} is not an authority.pub file: {exc}") from None
    want = _normal_fp(args.authority_fingerprint)
    if len(want) != 64:
        raise CliError("--authority-fingerprint must be the 64 hex digits the authority "
                       "published (groups of four, separated by dashes)")
    pub = fetch_authority(server)
    if _normal_fp(pub.fingerprint) != want:
        raise CliError(
            f"the server's authority key has fingerprint {pub.fingerprint}, not the one you "
            "gave; nothing was created. Check the fingerprint with the authority; the server "
            "may be impersonated", code=EXIT_FAILED)
    return pub


def _kdf() -> tuple[int, int] | None:
    if os.environ.get("RENKEI_TEST_FAST_KDF") == "1":
        from store.secrets import MEMLIMIT_MIN, OPSLIMIT_MIN

        return OPSLIMIT_MIN, MEMLIMIT_MIN
    return None


def _secrets_mode(ctx: Context) -> tuple[str, str | None]:
    """("keyring", None) or ("passphrase", passphrase); explains when no keyring works."""
    from store.secrets import probe_keyring

    args = ctx.args
    if args.keyring and args.passphrase_file:
        raise CliError("choose --keyring or --passphrase-file, not both")
    if args.passphrase_file:
        return "passphrase", _new_passphrase(ctx)
    ok, why = probe_keyring()
    if ok:
        return "keyring", None
    if args.keyring:
        raise CliError(
            f"no usable OS keyring: {why}. Protect the keys with a passphrase instead: give "
            "--passphrase-file FILE (or leave out --keyring and type one in a terminal)",
            code=EXIT_FAILED)
    ctx.note(t(f"No OS keyring works here ({why}); this device's keys will be protected by "
               "a passphrase (Argon2id) instead.",
               f"OS のキーリングが使えません（{why}）。端末の鍵はパスフレーズ（Argon2id）で"
               "保護します。"))
    return "passphrase", _new_passphrase(ctx)


def _new_passphrase(ctx: Context) -> str:
    import sys

    if ctx.args.passphrase_file:
        pw = ctx.passphrase("")
    elif not sys.stdin.isatty():
        raise CliError("no OS keyring works here, so a passphrase is needed: give "
                       "--passphrase-file FILE, or run in a terminal to type one")
    else:
        pw = ctx.passphrase(t("New passphrase for this device: ",
                              "この端末の新しいパスフレーズ: "))
        if pw != ctx.passphrase(t("Repeat the passphrase: ", "もう一度入力: ")):
            raise CliError("the two passphrases differ; nothing was created")
    if len(pw) < MIN_PASSPHRASE:
        raise CliError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    return pw


def cmd_create(ctx: Context) -> None:
    from sync.account import create_account

    args = ctx.args
    d = ctx.account_dir
    if (d / "account.json").exists():
        raise CliError(f"an account already exists in {d}; it was left unchanged (give "
                       "--account DIR for another one)")
    server = _check_server(ctx, args.server)
    pub = _authority(ctx, server)
    mode, pw = _secrets_mode(ctx)
    request = create_account(d, server_url=server, authority=pub, user_id=args.user,
                             display_name=args.name, org=args.org,
                             secrets=mode,  # type: ignore[arg-type]
                             passphrase=pw, now=int(ctx.clock()), kdf=_kdf())
    keys = _request_keys(request)
    where = (t("the OS keyring", "OS のキーリング") if mode == "keyring"
             else f"{d / 'secrets.json'} ({t('passphrase', 'パスフレーズ')})")
    ctx.say(t(f"Created the account of {args.user} ({args.name}, {args.org}) in {d}",
              f"{args.user}（{args.name}、{args.org}）のアカウントを {d} に作成しました"))
    ctx.say(f"  {t('device', '端末')}:             {keys.device_id}")
    ctx.say(f"  {t('device fingerprint', '端末の指紋')}: {keys.fingerprint}")
    ctx.say(f"  {t('authority', '認証局')}:          {pub.fingerprint}")
    ctx.say(f"  {t('keys kept in', '鍵の保管場所')}:       {where}")
    ctx.say(f"  {t('enrolment request', '登録申請')}:  {request}")
    ctx.say(t("Next: give the enrolment request to the authority and compare the device "
              "fingerprint with them; then run: renkei account import-cert CERTIFICATE.json",
              "次に、登録申請を認証局に渡し、端末の指紋を認証局と照合してください。発行された"
              "証明書は renkei account import-cert CERTIFICATE.json で取り込みます。"))


def _request_keys(path: Path) -> Any:
    from crypto.identity import DevicePublicKeys

    doc = json.loads(path.read_text("utf-8"))
    return DevicePublicKeys.from_dict(doc["enrolment"]["keys"])


# ---------------------------------------------------------------------------- import, show
def cmd_import_cert(ctx: Context) -> None:
    from sync.account import import_certificate

    data = read_input(ctx.args.file, "certificate")
    cert = import_certificate(ctx.account_dir, data, now=int(ctx.clock()))
    ctx.say(t(f"Imported certificate {cert.serial} for {cert.user_id} ({cert.display_name}, "
              f"{cert.org})", f"{cert.user_id}（{cert.display_name}、{cert.org}）の証明書 "
              f"{cert.serial} を取り込みました"))
    for line in _cert_lines(cert, int(ctx.clock())):
        ctx.say(line)
    ctx.say(t("Run 'renkei sync' to register this device with the server and fetch your "
              "rooms.", "'renkei sync' でサーバに端末を登録し、ルームを取得します。"))


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cert_lines(cert: Any, now: int) -> list[str]:
    if now < cert.not_before:
        status = t("not valid yet", "まだ有効ではありません")
    elif now >= cert.not_after:
        status = t("EXPIRED: ask the authority for a new certificate",
                   "期限切れ: 認証局に新しい証明書を依頼してください")
    else:
        status = t("valid", "有効")
    return [
        f"  {t('clearance', '資格')}:     {cert.level}"
        + (f" / {', '.join(sorted(cert.compartments))}" if cert.compartments else ""),
        f"  {t('roles', '役割')}:         {', '.join(sorted(cert.roles)) or '-'}",
        f"  {t('valid', '有効期間')}:         {_when(cert.not_before)} – {_when(cert.not_after)} "
        f"({status})",
        f"  {t('serial', '通し番号')}:        {cert.serial}",
    ]


def cmd_show(ctx: Context) -> None:
    from crypto.certs import SignedCertificate
    from crypto.errors import CryptoError
    from sync.account import AccountConfig

    d = ctx.account_dir
    cfg = AccountConfig.load(d / "account.json")
    ctx.say(f"{t('account', 'アカウント')}:   {d}")
    ctx.say(f"  {t('user', '利用者')}:          {cfg.user_id} ({cfg.display_name}, {cfg.org})")
    ctx.say(f"  {t('server', 'サーバ')}:        {cfg.server_url}")
    ctx.say(f"  {t('authority', '認証局')}:     {cfg.authority.fingerprint}")
    ctx.say(f"  {t('device', '端末')}:        {cfg.device_id}")
    ctx.say(f"  {t('keys kept in', '鍵の保管場所')}:  "
            + (t("OS keyring", "OS のキーリング") if cfg.secrets == "keyring"
               else t("passphrase file", "パスフレーズで保護したファイル")))
    cert_path = d / "certificate.json"
    if not cert_path.exists():
        req = d / "enrolment.json"
        if req.exists():
            ctx.say(f"  {t('device fingerprint', '端末の指紋')}: "
                    f"{_request_keys(req).fingerprint}")
        ctx.say(t(f"  certificate:   none yet; give {req} to the authority, then run "
                  "'renkei account import-cert FILE'",
                  f"  証明書:        未取り込み。{req} を認証局に渡し、発行された証明書を "
                  "'renkei account import-cert FILE' で取り込んでください"))
        return
    try:
        cert = SignedCertificate.parse(cert_path.read_bytes()).verify_signature(
            cfg.authority.public_key)
    except CryptoError as exc:
        raise CliError(f"the stored certificate is not valid: {exc}", EXIT_FAILED) from None
    ctx.say(f"  {t('device fingerprint', '端末の指紋')}: {cert.keys.fingerprint}")
    ctx.say(f"  {t('certificate', '証明書')}:")
    for line in _cert_lines(cert, int(ctx.clock())):
        ctx.say("  " + line)

"""Device registration, the certificate directory and revocation-list upload."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request

from crypto.certs import Certificate, RevocationList, SignedCertificate
from crypto.errors import AuthenticationFailed, CertificateRejected, CryptoError
from intel.errors import IntelError
from server.api.common import ERRORS, Who, client_key, core_of, dumps
from server.auth import check_signature, parse_headers, request_target
from server.core import Core, now_ms
from server.errors import ApiError, bad_request, conflict, forbidden, unauthorized
from server.storage import feed as q
from sync.wire import Accepted, Directory, RegisterDevice, Registered, UploadCrl

router = APIRouter()


def _refusal(core: Core, cert: Certificate, now_s: int) -> ApiError:
    if core.state.is_revoked(cert):
        return forbidden("revoked", "this certificate has been revoked by the authority")
    if now_s >= cert.not_after:
        return forbidden("certificate_expired", "this certificate has expired; ask the "
                         "authority for a new one")
    if now_s < cert.not_before:
        return forbidden("certificate_not_yet_valid", "this certificate is not valid yet")
    return forbidden("foreign_certificate",
                     "this certificate was not issued by the authority this server trusts")


@router.post("/v1/devices", response_model=Registered, responses=ERRORS,
             summary="Register a device by its authority-signed certificate")
async def register_device(body: RegisterDevice, request: Request) -> Registered:
    core = core_of(request)
    core.anon_rate.check("register:" + client_key(request))
    device, ts, nonce, sig = parse_headers(request.headers, core.limits.clock_skew_s * 1000,
                                           now_ms())
    try:
        signed = SignedCertificate.parse(body.certificate)
    except (CryptoError, IntelError, ValueError) as exc:
        raise bad_request("bad_certificate", f"not a Renkei certificate: {exc}") from None
    cert = signed.cert
    if device != cert.device_id:
        raise unauthorized("device_mismatch", "the request must be signed by the device the "
                           "certificate names")
    now_s = int(time.time())
    try:
        signed.verify(core.authority_pk, now_s, core.state.crl)
    except (AuthenticationFailed, CertificateRejected):
        raise _refusal(core, cert, now_s) from None
    check_signature(cert.keys.auth_pk, device, request.method, request_target(request.scope),
                    await request.body(), ts, nonce, sig)
    if not await core.nonces.claim(device, nonce, ts):
        raise unauthorized("replayed", "this request was already received (nonce reused)")
    try:
        core.policy.level(cert.level)
    except IntelError:
        raise bad_request("bad_certificate", "the certificate's clearance level is not in "
                          "this server's markings policy") from None
    doc = signed.to_dict()
    old = core.state.devices.get(device)
    if old is not None:
        if old.cert.user_id != cert.user_id:
            raise conflict("certificate_conflict", "this device is registered to another user")
        if old.cert.serial > cert.serial:
            raise conflict("stale_certificate", "a newer certificate is already registered "
                           "for this device")
        if old.cert.serial == cert.serial:
            if old.doc != doc:
                raise conflict("certificate_conflict", "another certificate with this serial "
                               "is registered for this device")
            return Registered(device_id=device, user_id=cert.user_id)
    payload = dumps({"kind": "certificate", "certificate": doc})
    row = await core.write(q.insert, "certificate", "*", payload, now_ms(),
                           sender=device, dedup=f"c:{device}:{cert.serial}", scopes={"*"})
    if row is not None:
        await core.committed([row])
    return Registered(device_id=device, user_id=cert.user_id)


@router.get("/v1/directory", response_model=Directory, responses=ERRORS,
            summary="Every registered certificate and the current revocation list")
async def directory(request: Request, who: Who) -> Directory:
    state = core_of(request).state
    return Directory(certificates=[i.doc for i in state.devices.values()],
                     revocation_list=state.crl_doc)


@router.post("/v1/crl", response_model=Accepted, responses=ERRORS,
             summary="Upload a revocation list signed by the authority")
async def upload_crl(body: UploadCrl, request: Request) -> Accepted:
    core = core_of(request)
    core.anon_rate.check("crl:" + client_key(request))
    state = core.state
    try:
        crl = RevocationList.verify(body.revocation_list, core.authority_pk,
                                    previous_serial=state.crl.serial)
    except AuthenticationFailed:
        raise forbidden("bad_signature", "this revocation list is not signed by the authority "
                        "this server trusts") from None
    except CertificateRejected:
        raise conflict("crl_rollback", f"a newer revocation list (serial {state.crl.serial}) "
                       "is already held; refusing a rollback") from None
    except (CryptoError, IntelError, ValueError) as exc:
        raise bad_request("bad_crl", f"not a Renkei revocation list: {exc}") from None
    doc = crl.to_dict()
    if state.crl_doc is not None and crl.serial == state.crl.serial:
        if doc != state.crl_doc:
            raise conflict("crl_conflict", "a different revocation list with this serial is "
                           "already held")
        return Accepted(accepted=0)
    payload = dumps({"kind": "crl", "revocation_list": doc})
    row = await core.write(q.insert, "crl", "*", payload, now_ms(), dedup=f"r:{crl.serial}",
                           scopes={"*"})
    if row is None:
        return Accepted(accepted=0)
    await core.committed([row])
    return Accepted(accepted=1)

"""Attachments: streamed upload and download of already-encrypted bytes.

Access is by knowledge of the id (the SHA-256 of the ciphertext), which only travels inside
end-to-end encrypted envelopes; every request is still device-authenticated.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response, StreamingResponse

from server.api.common import ERRORS, Who, core_of
from server.auth import check_signature_digest, parse_headers, request_target
from server.core import now_ms
from server.errors import not_found, unauthorized
from sync.wire import AttachmentStored

router = APIRouter()
BlobId = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]

_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}},
    }
}


@router.post("/v1/attachments", response_model=AttachmentStored, responses=ERRORS,
             openapi_extra=_UPLOAD_DOC,
             summary="Upload encrypted attachment bytes (streamed, content-addressed)")
async def upload(request: Request) -> AttachmentStored:
    core = core_of(request)
    device, ts, nonce, sig = parse_headers(request.headers, core.limits.clock_skew_s * 1000,
                                           now_ms())
    # Check what can be checked before reading the body, so strangers cannot fill the disk.
    info = await core.fresh(lambda: core.device(device))
    core.rate.check(device)
    spooled = await core.blobs.spool(request.stream(), core.limits.max_attachment)
    try:
        check_signature_digest(info.cert.keys.auth_pk, device, request.method,
                               request_target(request.scope), spooled.body_digest, ts, nonce,
                               sig)
        if not await core.nonces.claim(device, nonce, ts):
            raise unauthorized("replayed", "this request was already received (nonce reused)")
        await core.blobs.publish(spooled, device)
    finally:
        spooled.discard()
    return AttachmentStored(id=spooled.sha256, size=spooled.size)


@router.get("/v1/attachments/{blob_id}", responses={
    **ERRORS, 200: {"content": {"application/octet-stream": {}}}},
    response_class=Response, summary="Download attachment bytes (streamed)")
async def download(blob_id: BlobId, request: Request,
                   who: Who) -> Response:
    core = core_of(request)
    size = await core.blobs.size(blob_id)
    if size is None:
        raise not_found("no_such_attachment", "no such attachment")
    return StreamingResponse(core.blobs.read(blob_id), media_type="application/octet-stream",
                             headers={"Content-Length": str(size)})

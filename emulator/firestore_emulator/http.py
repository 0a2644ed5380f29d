"""One public port for gRPC and HTTP/1.1.

The emulator's one asyncio listener looks at the first bytes of each connection: the HTTP/2
preface (``PRI * HTTP/2.0``) means gRPC, served in this process by ``grpc_h2``; anything else
is HTTP/1.1 and is answered here:

- ``GET /``                                                   -> 200 ``Ok``
- ``DELETE /emulator/v1/projects/{p}/databases/{d}/documents`` -> clears that database
- ``PUT /emulator/v1/projects/{p}/databases/{d}:indexes``      -> enforce a firestore.indexes.json
- ``DELETE /emulator/v1/projects/{p}/databases/{d}:indexes``   -> stop enforcing
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Callable, Optional
from urllib.parse import unquote, urlsplit

from .errors import EmulatorError
from .grpc_h2 import Dispatcher, GrpcConnection
from .store import Store

log = logging.getLogger("firestore_emulator")

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_HIGH_WATER = 1 << 20
_MAX_HEADER = 64 * 1024
_MAX_BODY = 16 * 1024 * 1024

_CLEAR = re.compile(r"/emulator/v1/projects/([^/]+)/databases/([^/]+)/documents/?\Z")
_INDEXES = re.compile(r"/emulator/v1/projects/([^/]+)/databases/([^/:]+):indexes\Z")


def load_index_config(spec: dict):
    """Turn a firestore.indexes.json document into what the query engine's checker takes."""
    from . import indexes
    return indexes.load_indexes(spec)


class FrontProtocol(asyncio.Protocol):
    """One connection on the public port: HTTP/2 (gRPC, grpc_h2) or HTTP/1.1, by its first bytes."""

    def __init__(self, app: "App") -> None:
        self.app = app
        self.transport: Optional[asyncio.Transport] = None
        self.buffer = b""
        self.mode: Optional[str] = None
        self.http: Optional[HttpConnection] = None
        self.h2: Optional[GrpcConnection] = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.set_write_buffer_limits(high=_HIGH_WATER)

    def data_received(self, data: bytes) -> None:
        mode = self.mode
        if mode == "h2":
            self.h2.feed(data)
            return
        if mode == "http":
            self.http.feed(data)
            return
        self.buffer += data
        n = min(len(self.buffer), len(PREFACE))
        if self.buffer[:n] != PREFACE[:n]:
            self.mode = "http"
            data, self.buffer = self.buffer, b""
            self.http = HttpConnection(self.app, self.transport)
            self.http.feed(data)
        elif n == len(PREFACE):
            self.mode = "h2"
            data, self.buffer = self.buffer, b""
            self.h2 = GrpcConnection(self.app.grpc, self.transport)
            self.h2.feed(data)

    def connection_lost(self, exc) -> None:
        if self.h2 is not None:
            self.h2.close()


class HttpConnection:
    """A minimal HTTP/1.1 server connection (Content-Length bodies, keep-alive)."""

    def __init__(self, app: "App", transport) -> None:
        self.app = app
        self.transport = transport
        self.buffer = b""

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while not self.transport.is_closing():
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                if len(self.buffer) > _MAX_HEADER:
                    self._send(431, {"error": {"code": 431, "message": "Request headers too large."}}, close=True)
                return
            head = self.buffer[:head_end].decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._send(400, {"error": {"code": 400, "message": "Malformed request line."}}, close=True)
                return
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self._send(411, {"error": {"code": 411, "message": "Send a Content-Length body."}}, close=True)
                return
            try:
                length = int(headers.get("content-length", "0") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > _MAX_BODY:
                self._send(413, {"error": {"code": 413, "message": "Bad or too large Content-Length."}}, close=True)
                return
            if len(self.buffer) < head_end + 4 + length:
                return
            body = self.buffer[head_end + 4:head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length:]
            close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
            try:
                status, payload = self.app.handle_http(method.upper(), target, body)
            except Exception:  # noqa: BLE001
                log.exception("HTTP handler failed")
                status, payload = 500, {"error": {"code": 500, "message": "Internal emulator error."}}
            self._send(status, payload, close=close, head_only=method.upper() == "HEAD")
            if close:
                return

    def _send(self, status: int, payload, close: bool = False, head_only: bool = False) -> None:
        if isinstance(payload, str):
            body = payload.encode("utf-8")
            ctype = "text/plain; charset=utf-8"
        else:
            body = json.dumps(payload).encode("utf-8")
            ctype = "application/json; charset=utf-8"
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                  411: "Length Required", 413: "Payload Too Large", 431: "Request Header Fields Too Large",
                  500: "Internal Server Error"}.get(status, "Status")
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                f"{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n").encode("latin-1")
        self.transport.write(head if head_only else head + body)
        if close:
            self.transport.close()


def _error(status: int, message: str, code_name: str) -> dict:
    return {"error": {"code": status, "message": message, "status": code_name}}


class App:
    """What the public port serves: the HTTP/1.1 endpoints (store) and gRPC (a grpc_h2 Dispatcher)."""

    def __init__(self, store: Store, grpc: Dispatcher, on_clear: Optional[Callable] = None) -> None:
        self.store = store
        self.grpc = grpc
        self.on_clear = on_clear

    def handle_http(self, method: str, target: str, body: bytes):
        path = unquote(urlsplit(target).path)
        if path == "/":
            if method in ("GET", "HEAD"):
                return 200, "Ok\n"
            return 405, _error(405, "Method not allowed.", "METHOD_NOT_ALLOWED")
        m = _CLEAR.match(path)
        if m:
            if method != "DELETE":
                return 405, _error(405, "Use DELETE to clear a database.", "METHOD_NOT_ALLOWED")
            db = self.store.database(m.group(1), m.group(2))
            db.clear()
            if self.on_clear is not None:
                self.on_clear(db)
            return 200, {}
        m = _INDEXES.match(path)
        if m:
            db = self.store.database(m.group(1), m.group(2))
            if method == "DELETE":
                db.index_config = None
                return 200, {}
            if method in ("PUT", "POST"):
                try:
                    spec = json.loads(body.decode("utf-8") or "{}")
                    if not isinstance(spec, dict):
                        raise ValueError("the body must be a JSON object")
                    db.index_config = load_index_config(spec)
                except EmulatorError as exc:
                    return 400, _error(400, exc.message, "INVALID_ARGUMENT")
                except (ValueError, KeyError, TypeError) as exc:
                    return 400, _error(400, f"Invalid firestore.indexes.json: {exc}", "INVALID_ARGUMENT")
                return 200, {}
            return 405, _error(405, "Use PUT or DELETE.", "METHOD_NOT_ALLOWED")
        return 404, _error(404, f"Not found: {method} {path}", "NOT_FOUND")

"""The public port's byte router, run as a separate process.

The emulator's main process binds the public TCP socket and hands it to this process (fd
inheritance). For each connection this process reads the first bytes: the HTTP/2 preface
(``PRI * HTTP/2.0``) means gRPC and the connection is piped to the grpc.aio server's unix
socket; anything else is HTTP/1.1 and is piped to the main process's HTTP unix socket.

Why a separate process with blocking threads: piping inside the server's event loop cost
about as much CPU per RPC as the request handling itself and halved commit throughput on a
2-core machine; here the copying runs beside the server (recv/sendall release the GIL and
do no per-byte work in Python).

Run as ``python -m firestore_emulator.proxy LISTEN_FD GRPC_SOCKET HTTP_SOCKET``; it prints
``ready`` once serving and exits when its stdin closes (the parent died) or on SIGINT/SIGTERM.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import threading

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
CHUNK = 256 * 1024


def _pump(src: socket.socket, dst: socket.socket, done: threading.Event | None = None) -> None:
    try:
        while True:
            data = src.recv(CHUNK)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if done is not None:
            done.set()


def _handle(client: socket.socket, grpc_path: str, http_path: str) -> None:
    backend = None
    try:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = b""
        while True:
            data = client.recv(CHUNK)
            if not data:
                return
            buf += data
            n = min(len(buf), len(PREFACE))
            if buf[:n] != PREFACE[:n]:
                path = http_path
                break
            if n == len(PREFACE):
                path = grpc_path
                break
        backend = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        backend.connect(path)
        backend.sendall(buf)
        done = threading.Event()
        back = threading.Thread(target=_pump, args=(backend, client, done), daemon=True)
        back.start()
        _pump(client, backend)
        done.wait()
    except OSError:
        pass
    finally:
        client.close()
        if backend is not None:
            backend.close()


def serve(listen_fd: int, grpc_path: str, http_path: str) -> None:
    listener = socket.socket(fileno=listen_fd)
    print("ready", flush=True)
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_handle, args=(client, grpc_path, http_path), daemon=True).start()


def _watch_parent() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    os._exit(0)


def main(argv: list[str]) -> int:
    listen_fd, grpc_path, http_path = int(argv[0]), argv[1], argv[2]
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: os._exit(0))
    threading.Thread(target=_watch_parent, daemon=True).start()
    serve(listen_fd, grpc_path, http_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

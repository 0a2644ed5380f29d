"""The demo blog of `make dev` (examples/blog/): another origin whose pages embed Hearth.

Its pages name Hearth as {{HEARTH}}; this server fills in the running Hearth's URL, so the same
files work on any port. `python -m devstack.blog PORT HEARTH_URL` serves it until stopped.
"""

from __future__ import annotations

import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .processes import ROOT

BLOG = ROOT / "examples" / "blog"


def page(path: Path, hearth: str) -> bytes:
    """A blog file with Hearth's URL filled in (HTML only; anything else as it is)."""
    data = path.read_bytes()
    return data.replace(b"{{HEARTH}}", hearth.encode()) if path.suffix == ".html" else data


class Handler(SimpleHTTPRequestHandler):
    hearth = ""

    def do_GET(self) -> None:  # http.server's name
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        elif not path.exists() and path.with_suffix(".html").is_file():
            path = path.with_suffix(".html")  # /posts/first serves posts/first.html, as static hosts do
        elif not path.exists() and path.suffix == ".html" and path.with_suffix("").is_dir():
            path = path.with_suffix("") / "index.html"  # and /posts/first.html serves posts/first/index.html
        if not path.is_file() or Path(self.directory).resolve() not in path.resolve().parents:
            self.send_error(404)
            return
        body = page(path, self.hearth)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # http.server's name
        pass


def serve(port: int, hearth: str, host: str = "127.0.0.1", root: Path = BLOG) -> ThreadingHTTPServer:
    """A server of root's files (the blog's by default) on host:port (0: a free one); serve_forever() runs it."""
    handler = type("BlogHandler", (Handler,), {"hearth": hearth})
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(root)))


def main() -> int:
    port, hearth = int(sys.argv[1]), sys.argv[2]
    server = serve(port, hearth)
    print(f"Blog ready on port {port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

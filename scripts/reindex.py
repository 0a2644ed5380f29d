"""`make reindex`: compute the search terms of every post written before search (hearth.search.backfill).

Against the emulators, FIRESTORE_EMULATOR_HOST names Firestore (`make dev` prints it; PROJECT is the
project, demo-hearth by default). Against a real project, the Admin SDK's credentials (Application
Default Credentials: `gcloud auth application-default login`, or GOOGLE_APPLICATION_CREDENTIALS) and
PROJECT=<project id>. The position is kept in --state, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "functions"))

from google.cloud import firestore

from hearth.search import backfill


def client(project: str) -> firestore.Client:
    """On the emulator, a plain client (firebase_admin would ask for credentials it does not need);
    otherwise the Admin SDK's, with Application Default Credentials."""
    if os.environ.get("FIRESTORE_EMULATOR_HOST"):
        return firestore.Client(project=project)
    import firebase_admin
    from firebase_admin import firestore as admin_firestore

    app = firebase_admin.initialize_app(options={"projectId": project})
    return admin_firestore.client(app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=os.environ.get("PROJECT") or "demo-hearth")
    parser.add_argument(
        "--state",
        type=Path,
        default=Path(".data/reindex-state.json"),
        help="where the position is kept between runs (delete it to start over)",
    )
    parser.add_argument("--page", type=int, default=200, help="documents read per query")
    parser.add_argument("--batch", type=int, default=200, help=f"writes per commit (at most {backfill.MAX_BATCH})")
    parser.add_argument("--restart", action="store_true", help="forget the saved position and start over")
    args = parser.parse_args(argv)
    args.state.parent.mkdir(parents=True, exist_ok=True)
    if args.restart and args.state.exists():
        args.state.unlink()
    started = time.monotonic()

    def report(p: backfill.Progress) -> None:
        print(
            f"  read {p.read}, written {p.written}, re-read {p.retried} "
            f"(threads after {p.after['threads']}, comments after {p.after['comments']})",
            flush=True,
        )

    print(f"Reindexing search terms in project {args.project} (state: {args.state})…")
    progress = backfill.run(client(args.project), state=args.state, page=args.page, batch=args.batch, on_page=report)
    print(f"Done in {time.monotonic() - started:.1f} s: {progress.read} posts read, {progress.written} written.")
    args.state.unlink(missing_ok=True)  # finished: the next run starts from the beginning
    return 0


if __name__ == "__main__":
    sys.exit(main())

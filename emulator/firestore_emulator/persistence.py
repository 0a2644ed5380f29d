"""Import and export of the emulator's data.

Layout of an export directory::

    DIR/firestore_emulator_export.json      {"format": "hearth-firestore-emulator", "version": 1,
                                              "databases": [{"project", "database", "file"}]}
    DIR/databases/<project>/<database>.json {"project", "database", "documents": [Document as
                                              protobuf JSON (google.protobuf.json_format)]}

Only the latest version of each live document is exported (with its create and update times).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from google.protobuf import json_format

from .store import Document, Store, timestamp_us

METADATA = "firestore_emulator_export.json"
FORMAT = "hearth-firestore-emulator"


def export_store(store: Store, directory: str | os.PathLike) -> int:
    """Write every database with documents to directory; returns the number of documents."""
    root = Path(directory)
    (root / "databases").mkdir(parents=True, exist_ok=True)
    entries = []
    total = 0
    for (project, database), db in sorted(store.databases.items()):
        docs = db.all_documents()
        if not docs:
            continue
        rel = f"databases/{quote(project, safe='')}/{quote(database, safe='')}.json"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "project": project,
            "database": database,
            "documents": [json_format.MessageToDict(d, preserving_proto_field_name=True) for d in docs],
        }
        _atomic_write(path, payload)
        entries.append({"project": project, "database": database, "file": rel, "documents": len(docs)})
        total += len(docs)
    _atomic_write(root / METADATA, {"format": FORMAT, "version": 1, "databases": entries})
    return total


def import_store(store: Store, directory: str | os.PathLike) -> int:
    """Load an export directory into store; returns the number of documents."""
    root = Path(directory)
    meta_path = root / METADATA
    if not meta_path.exists():
        raise FileNotFoundError(f"{meta_path} not found: not an export of this emulator")
    meta = json.loads(meta_path.read_text("utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{meta_path}: unknown export format {meta.get('format')!r}")
    total = 0
    for entry in meta.get("databases", []):
        payload = json.loads((root / entry["file"]).read_text("utf-8"))
        db = store.database(payload["project"], payload["database"])
        latest = 0
        for raw in payload["documents"]:
            doc = json_format.ParseDict(raw, Document())
            t = timestamp_us(doc.update_time)
            db.put(doc.name, doc, t)
            latest = max(latest, t)
            total += 1
        db.last_time = max(db.last_time, latest)
    return total


def _atomic_write(path: Path, payload) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, separators=(",", ":"))
    os.replace(tmp, path)


__all__ = ["export_store", "import_store"]

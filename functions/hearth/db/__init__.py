"""Firestore plumbing: where documents live and how Hearth writes, pagination and cursors, rate windows, the query log."""

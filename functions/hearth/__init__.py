"""Hearth: threads, threaded comments and reactions on Firebase."""

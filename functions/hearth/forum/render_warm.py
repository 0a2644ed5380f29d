"""Imported once by the render workers' fork server (sandbox.py): it renders a post in every
allow-listed language, so the lexers Pygments imports lazily are loaded before any worker is
forked, and no post's CPU budget pays for an import."""

from __future__ import annotations

from . import render

FENCES = "\n\n".join(f"```{lang}\nx = 1\n```" for lang in sorted(set(render.HIGHLIGHTED_LANGUAGES.values())))
render.render_post(f"**warm** @ada [a](/b)\n\n| a |\n|---|\n| b |\n\n{FENCES}", lambda handles: {})

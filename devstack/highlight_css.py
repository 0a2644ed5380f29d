"""Rewrite the syntax-highlighting block of web/styles.css from the pinned Pygments styles.

    .venv/bin/python -m devstack.highlight_css

The block sits between `/* highlight:begin */` and `/* highlight:end */`; a test keeps it equal
to hearth.forum.render.highlight_css(), so upgrading Pygments or changing a style means running this.
"""

from __future__ import annotations

import sys

from devstack.processes import ROOT

sys.path.insert(0, str(ROOT / "functions"))

from hearth.forum.render import highlight_css

BEGIN, END = "/* highlight:begin */\n", "/* highlight:end */"


def main() -> None:
    path = ROOT / "web" / "styles.css"
    css = path.read_text()
    head, rest = css.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(head + BEGIN + highlight_css() + END + tail)


if __name__ == "__main__":
    main()

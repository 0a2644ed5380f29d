"""Check that HTML is inert: no scripting elements, no event handlers, no script URLs."""

from __future__ import annotations

from html.parser import HTMLParser

FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "form",
    "input",
    "link",
    "meta",
    "base",
}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in URL_ATTRS and value is not None:
                url = "".join(value.split()).lower()
                if ":" in url.split("/")[0] and not url.startswith(SAFE_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")


def inert_problems(html: str) -> list[str]:
    """What in html could run script or restyle the page; empty when it is inert."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems

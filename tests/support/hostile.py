"""The hostile-render corpus (issue 15, finding 1): bodies that made one request hold a CPU for
seconds (the finding's measurements in the comments), and more of the kind. Every one must be
answered within a second: rendered, or refused 422 when the render passes its CPU budget.
Used by tests/api/test_render.py and bench/abuse.py."""

from __future__ import annotations

BODY_MAX = 20_000

CORPUS: dict[str, str] = {
    # ```c + a + 8,000 spaces + ! took 5.5 s (2k spaces 0.38 s, 4k 1.47 s); ~33 s at the body limit.
    "c fence, a + 8000 spaces + !": "```c\na" + " " * 8000 + "!\n```",
    "c fence at the body limit": "```c\na" + " " * (BODY_MAX - len("```c\na!\n```")) + "!\n```",
    "cpp fence, spaces": "```cpp\na" + " " * 8000 + "!\n```",
    "ini fence, spaces": "```ini\na" + " " * 8000 + "!\n```",
    "make fence, spaces": "```make\na" + " " * 8000 + "!\n```",
    "scala fence, spaces": "```scala\na" + " " * 8000 + "!\n```",
    "tex fence, spaces": "```tex\na" + " " * 8000 + "!\n```",
    "java fence, newlines": "```java\na" + "\n" * 4000 + "!\n```",
    "python fence at the cap": "```python\n" + "a = (" * 800 + "\n```",
    # "![" x 10,000 cost 1.3 s, twice that with an @ (mentions parsed the body again).
    "![ x 9999": "![" * 9_999,
    "![ x 9990 and a mention": "![" * 9_990 + " @ada",
    "[ x 19999": "[" * 19_999,
    "emphasis runs": "*_" * 9_999,
    "[]( x 6000": "[](" * 6_000,
    "autolink openers": "<" * 19_999,
    "entity openers": "&#" * 9_999,
    "nested quotes": "> " * 9_999,
    "many mentions": " ".join(f"@user{n}" for n in range(3_000))[:BODY_MAX],
}

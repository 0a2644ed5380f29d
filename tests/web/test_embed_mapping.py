"""The embed's page mapping and thread ids (web/src/embed/mapping.js), run in Node: the same page
must always map to the same term, and the JavaScript id must be the API's."""

from __future__ import annotations

import json
import subprocess

from devstack.processes import ROOT
from hearth.forum.pages import thread_id

MAPPING = ROOT / "web" / "src" / "embed" / "mapping.js"


def run(expression: str) -> object:
    script = f"import * as m from {json.dumps(MAPPING.as_uri())}; console.log(JSON.stringify({expression}));"
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_pathname_mapping_treats_extension_index_and_slash_variants_as_one_page():
    paths = ["/a", "/a/", "/a.html", "/a/index.html", "/a.htm", "/A/b/", "/", "/index.html", "//"]
    assert run(f"{json.dumps(paths)}.map(m.normalPath)") == ["/a", "/a", "/a", "/a", "/a", "/A/b", "/", "/", "/"]


def test_pathname_ignores_query_and_fragment_and_url_ignores_only_the_fragment():
    url = "new URL('https://blog.example/posts/a.html?utm=x#frag')"
    assert run(f"[m.termOfUrl({url}, 'pathname'), m.termOfUrl({url}, 'url')]") == [
        "/posts/a",
        "https://blog.example/posts/a.html?utm=x",
    ]


def test_the_thread_id_is_the_apis_for_any_text():
    cases = [
        ("https://blog.example", "/posts/a"),
        ("http://localhost:5002", "/ünïcode/🔥"),
        ("https://blog.example", "x" * 500),
        ("https://blog.example", ""),
    ]
    assert run(f"{json.dumps(cases)}.map(([s, t]) => m.pageThreadId(s, t))") == [thread_id(s, t) for s, t in cases]


def test_terms_are_trimmed_and_cut_at_500_code_points():
    assert run("[m.clip('  /a  '), Array.from(m.clip('🔥'.repeat(600))).length, m.clip(undefined)]") == ["/a", 500, ""]

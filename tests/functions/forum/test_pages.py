"""Page threads' pure parts: origins and the allow-list, terms, ids, article URLs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from hearth.api import embed
from hearth.errors import Invalid, OriginNotAllowed
from hearth.forum import pages, threads
from hearth.search import backfill

ALLOWED = pages.parse_allowed("https://blog.example, http://localhost:*,http://127.0.0.1:*")


@pytest.mark.parametrize(
    "origin",
    [
        "https://blog.example",
        "http://localhost:5002",
        "http://127.0.0.1:1",
        "https://a-b.c.example:8443",
        "http://[::1]:3000",
    ],
)
def test_browser_spelled_origins_are_origins(origin):
    assert pages.is_origin(origin)


@pytest.mark.parametrize(
    "value",
    [
        "https://blog.example/",
        "HTTPS://blog.example",
        "https://Blog.example",
        "http://localhost:80",
        "https://blog.example:443",
        "ftp://blog.example",
        "https://blog.example/path",
        "https://user@blog.example",
        "blog.example",
        "http://localhost:0",
        "http://localhost:65536",
        "",
        None,
        5,
        "null",
        "https://-x.example",
        "http://localhost:*",
    ],
)
def test_anything_else_is_not_an_origin(value):
    assert not pages.is_origin(value)


def test_the_setting_allows_exact_origins_and_any_port_of_a_host():
    assert pages.origin_allowed("https://blog.example", ALLOWED)
    assert pages.origin_allowed("http://localhost:5002", ALLOWED)
    assert pages.origin_allowed("http://localhost", ALLOWED)
    assert not pages.origin_allowed("http://blog.example", ALLOWED)  # another scheme
    assert not pages.origin_allowed("https://blog.example:8443", ALLOWED)  # another port, not wildcarded
    assert not pages.origin_allowed("http://localhost.evil.example", ALLOWED)
    assert not pages.origin_allowed("http://localhost:5002.evil.example", ALLOWED)
    assert not pages.origin_allowed("https://evil.blog.example", ALLOWED)
    assert pages.parse_allowed("") == ()


@pytest.mark.parametrize("setting", ["blog.example", "https://blog.example/", "https://*.example", "*"])
def test_a_setting_that_is_not_a_list_of_origins_is_refused_at_start(setting):
    with pytest.raises(ValueError):
        pages.parse_allowed(setting)


def test_a_site_must_be_an_origin_and_allowed():
    assert pages.site("http://localhost:5002", ALLOWED) == "http://localhost:5002"
    with pytest.raises(Invalid):
        pages.site("http://localhost:5002/", ALLOWED)
    with pytest.raises(OriginNotAllowed) as refused:
        pages.site("https://evil.example", ALLOWED)
    assert (refused.value.status, refused.value.code) == (403, "origin_not_allowed")


def test_the_thread_id_is_the_documented_hash_and_keeps_the_id_rules():
    tid = pages.thread_id("https://blog.example", "/posts/a")
    assert tid == "pg-" + hashlib.sha256(b"https://blog.example\n/posts/a").hexdigest()[:32]
    assert tid != pages.thread_id("https://blog.example", "/posts/b")
    assert tid != pages.thread_id("https://other.example", "/posts/a")
    from hearth.validation import is_id

    assert is_id(tid)


def test_the_article_url_is_the_site_and_a_path_without_a_fragment():
    site = "https://blog.example"
    assert pages.page_url("/posts/a?x=1&y[]=2", site) == "https://blog.example/posts/a?x=1&y[]=2"
    for bad in (
        "https://other.example/a",
        "/a#c",
        "javascript:alert(1)",
        "/a b",
        "//other.example/a",
        "posts/a",
        "/<script>",
        "/a\\b",
        "/ü",
        "",
        None,
        5,
        "/" + "a" * pages.URL_MAX,
    ):
        with pytest.raises(Invalid):
            pages.page_url(bad, site)


def test_a_page_thread_links_its_article_with_the_title_escaped():
    doc = pages.new_thread("https://blog.example", "/a", "https://blog.example/a", "*Not* [bold](x) <b>", now=None)
    assert doc["author"] is None and doc["page"] == {
        "site": "https://blog.example",
        "term": "/a",
        "url": "https://blog.example/a",
    }
    assert 'href="https://blog.example/a"' in doc["bodyHtml"]
    assert "*Not* [bold](x) &lt;b&gt;" in doc["bodyHtml"] and "<em>" not in doc["bodyHtml"]


def test_a_page_thread_has_its_search_terms_from_its_first_commit():
    doc = pages.new_thread("https://blog.example", "/a", "https://blog.example/a", "Splitting kindling", now=None)
    assert doc["terms"] == threads.thread_terms(doc) == backfill.wanted_terms("threads", doc)
    assert {"split", "kindl", "discuss"} <= set(doc["terms"])  # stemmed words of the title and the body


def test_the_embed_page_policy_is_the_sites_with_the_allowed_frame_ancestors():
    config = json.loads((Path(__file__).parents[3] / "firebase.json").read_text())
    site_csp = next(
        h["value"]
        for rule in config["hosting"]["headers"]
        for h in rule["headers"]
        if h["key"] == "Content-Security-Policy"
    )
    headers = embed.headers(ALLOWED)
    assert (
        headers["Content-Security-Policy"]
        == site_csp.replace("frame-ancestors 'none'; ", "")
        + "; frame-ancestors https://blog.example http://localhost:* http://127.0.0.1:*"
    )
    assert embed.headers(())["Content-Security-Policy"].endswith("frame-ancestors 'none'")

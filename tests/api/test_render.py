"""POST /api/render: the preview is the post, by construction."""
import pytest

from tests.api.conftest import assert_error
from tests.support.html import inert_problems

MARKDOWN = """# Plan

Some *prose* with a [link](https://example.com).

| a | b |
|---|--:|
| 1 | 2 |

```python
def greet(name):
    return f"hello {name}"
```

> quoted

- one
- two
"""


def test_preview_is_exactly_what_the_posted_thread_and_comment_render(api, alice, bob, make_thread, make_comment):
    source = MARKDOWN + f"\nThanks @{api.get('/me', bob).json()['handle']} and @nobody_by_that_name.\n"
    preview = api.post("/render", alice, json={"body": source})
    assert preview.status_code == 200, preview.text
    html = preview.json()["bodyHtml"]
    assert "<table>" in html and '<span class="tok-k">def</span>' in html
    assert 'class="mention"' in html  # mentions are resolved as a post's are
    thread = make_thread(alice, body=source)
    assert api.get(f"/threads/{thread['id']}").json()["bodyHtml"] == html
    assert make_comment(alice, thread["id"], source)["bodyHtml"] == html


def test_preview_stores_nothing(api, alice):
    before = api.get("/me", alice).json()
    assert api.post("/render", alice, json={"body": "just a draft"}).status_code == 200
    after = api.get("/me", alice).json()
    assert (after["threadCount"], after["commentCount"]) == (before["threadCount"], before["commentCount"])


def test_preview_of_hostile_markdown_is_inert(api, alice):
    html = api.post("/render", alice, json={"body": "<script>alert(1)</script> [x](javascript:alert(1))"}).json()["bodyHtml"]
    assert inert_problems(html) == []


def test_preview_needs_a_signed_in_caller(api):
    assert_error(api.post("/render", json={"body": "hi"}), 401, "unauthenticated")


@pytest.mark.parametrize("payload, field", [
    ({"body": ""}, "body"),
    ({"body": "   "}, "body"),
    ({"body": "x" * 20_001}, "body"),
    ({"body": 5}, "body"),
    ({}, "body"),
    ({"body": "hi", "title": "x"}, "title"),
])
def test_preview_validates_the_body_like_a_post(api, alice, payload, field):
    assert_error(api.post("/render", alice, json=payload), 422, "invalid_argument", field)


def test_preview_refuses_what_is_not_a_json_object(api, alice):
    assert_error(api.post("/render", alice, json=["body"]), 400, "bad_request")


def test_preview_over_64_kib_is_413(api, alice):
    assert_error(api.post("/render", alice, data="x" * (65 * 1024), headers={"Content-Type": "application/json"}),
                 413, "payload_too_large")

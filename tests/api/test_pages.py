"""Page threads (the embed) over HTTP: the first comment creates the page's thread exactly once,
the allowed origins rule the page endpoints and the frame's CSP, counts come in one read."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any, Callable

import requests

from devstack.authemu import API_KEY, User
from devstack.stack import Stack
from tests.api.conftest import Api, assert_error, folded, wait_for
from tests.api.test_hot_thread import at_once, warm_function_workers

SITE = "http://localhost:4321"  # allowed by the local stack's http://localhost:*


def page_thread_id(site: str, term: str) -> str:
    return "pg-" + hashlib.sha256(f"{site}\n{term}".encode()).hexdigest()[:32]


def new_page(site: str = SITE) -> dict[str, str]:
    path = f"/posts/{uuid.uuid4().hex[:10]}"
    return {"site": site, "term": path, "path": path, "title": "Kindling, split small"}


def comment_on(api: Api, user: User | None, page: dict[str, str], body: str = "Nice post") -> requests.Response:
    return api.post("/pages/comments", user, json={"body": body, **page})


def test_viewing_creates_nothing_and_the_first_comment_creates_the_page_thread(api: Api, alice: User):
    page = new_page()
    tid = page_thread_id(page["site"], page["term"])
    assert_error(api.get(f"/threads/{tid}"), 404, "not_found")
    assert api.get("/pages/counts", params={"site": SITE, "keys": tid}).json()["counts"] == {tid: 0}
    assert_error(api.get(f"/threads/{tid}"), 404, "not_found")  # still nothing

    response = comment_on(api, alice, page)
    assert response.status_code == 201, response.text
    comment = response.json()
    assert comment["threadId"] == tid and comment["depth"] == 1 and comment["author"]["uid"] == alice.uid

    thread = api.get(f"/threads/{tid}").json()
    assert thread["title"] == "Kindling, split small"
    assert thread["page"] == {"site": SITE, "url": SITE + page["path"]}
    assert thread["author"] is None  # nobody owns a stranger's article: only moderators change its thread
    assert thread["commentCount"] == 1
    assert f'href="{SITE}{page["path"]}"' in thread["bodyHtml"]
    # The second comment joins the thread, as a reply does through the thread's own endpoint.
    assert comment_on(api, alice, page, "Again").status_code == 201
    reply = api.post(f"/threads/{tid}/comments", alice, json={"body": "a reply", "parentId": comment["id"]})
    assert reply.status_code == 201, reply.text
    assert api.get(f"/threads/{tid}").json()["commentCount"] == 3


def test_a_page_thread_is_found_by_search_from_its_first_comment(api: Api, alice: User):
    word = "zq" + uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))
    page = {**new_page(), "title": f"Notes on {word}"}
    assert comment_on(api, alice, page).status_code == 201
    found = api.get("/search", params={"q": word})  # no reindex: the terms came with the thread
    assert found.status_code == 200, found.text
    assert [item["id"] for item in found.json()["items"]] == [page_thread_id(page["site"], page["term"])]


def test_ten_first_comments_at_once_make_one_thread_with_ten_comments(api: Api, make_user: Callable[..., User]):
    page = new_page()
    users = [make_user() for _ in range(10)]
    warm_function_workers(api, len(users))  # the emulator's cold workers, not the write, would time out
    responses, latencies = at_once(users, lambda u: comment_on(api, u, page, f"first from {u.uid}"))
    print(f"10 first comments: slowest {max(latencies):.2f} s")
    assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses if r.status_code != 201]
    tid = page_thread_id(page["site"], page["term"])
    assert {r.json()["threadId"] for r in responses} == {tid}
    # Counted through the thread's shards, folded in within a few seconds (db/counters.py).
    folded(lambda: api.get(f"/threads/{tid}").json()["commentCount"] == 10)
    listed = api.get(f"/threads/{tid}/comments", params={"limit": 50}).json()["items"]
    assert sorted(c["author"]["uid"] for c in listed) == sorted(u.uid for u in users)


def test_a_page_of_a_site_that_is_not_allowed_is_refused(api: Api, alice: User):
    page = new_page("https://evil.example")
    assert_error(comment_on(api, alice, page), 403, "origin_not_allowed", "site")
    refused = api.get(
        "/pages/counts", params={"site": "https://evil.example", "keys": page_thread_id("https://evil.example", "/a")}
    )
    assert_error(refused, 403, "origin_not_allowed", "site")
    # The loader on that site reads the refusal (and nothing else) to say why there are no comments.
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert_error(api.get(f"/threads/{page_thread_id(page['site'], page['term'])}"), 404)


def test_page_fields_are_checked(api: Api, alice: User):
    page = new_page()
    for changes, field in [
        ({"site": "http://localhost:4321/"}, "site"),
        ({"site": "HTTP://LOCALHOST:4321"}, "site"),
        ({"site": "http://localhost:80"}, "site"),
        ({"path": "http://127.0.0.1:4321/x"}, "path"),
        ({"path": "/x#frag"}, "path"),
        ({"path": "javascript:alert(1)"}, "path"),
        ({"path": "//evil.example/x"}, "path"),
        ({"path": "/a b"}, "path"),
        ({"term": "  "}, "term"),
        ({"term": "x" * 501}, "term"),
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
    ]:
        assert_error(comment_on(api, alice, {**page, **changes}), 422, "invalid_argument", field)
    assert_error(api.post("/pages/comments", alice, json={**page, "body": "x", "parentId": "a"}), 422)
    assert_error(comment_on(api, None, page), 401)
    assert_error(api.get(f"/threads/{page_thread_id(page['site'], page['term'])}"), 404)  # nothing written


def test_counts_are_one_cacheable_answer_for_the_site_with_visible_comments_only(
    api: Api, alice: User, moderator: User
):
    pages = [new_page() for _ in range(3)]
    comments = [comment_on(api, alice, pages[0]).json() for _ in range(2)] + [comment_on(api, alice, pages[1]).json()]
    keys = [page_thread_id(SITE, p["term"]) for p in pages]
    response = api.get("/pages/counts", params={"site": SITE, "keys": keys})
    assert response.status_code == 200
    assert response.json() == {"site": SITE, "counts": {keys[0]: 2, keys[1]: 1, keys[2]: 0}}
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "s-maxage=60" in response.headers["Cache-Control"]
    # A hidden comment is not counted, nor a deleted one.
    tid = comments[0]["threadId"]
    assert (
        api.put(f"/threads/{tid}/comments/{comments[0]['id']}/hidden", moderator, json={"reason": "spam"}).status_code
        == 200
    )
    assert api.delete(f"/threads/{tid}/comments/{comments[1]['id']}", alice).status_code == 204
    assert api.get("/pages/counts", params={"site": SITE, "keys": keys[0]}).json()["counts"] == {keys[0]: 0}
    # Another allowed site asking for this site's page learns nothing (its own page of that id has none).
    other = api.get("/pages/counts", params={"site": "http://localhost:9", "keys": keys[1]})
    assert (
        other.json()["counts"] == {keys[1]: 0} and other.headers["Access-Control-Allow-Origin"] == "http://localhost:9"
    )


def test_counts_take_at_most_50_keys_each_a_page_thread_id(api: Api):
    ids = [page_thread_id(SITE, f"/p{i}") for i in range(51)]
    assert api.get("/pages/counts", params={"site": SITE, "keys": ids[:50]}).status_code == 200
    assert_error(api.get("/pages/counts", params={"site": SITE, "keys": ids}), 422, "invalid_argument", "keys")
    assert_error(api.get("/pages/counts", params={"site": SITE}), 422, "invalid_argument", "keys")
    assert_error(api.get("/pages/counts", params={"site": SITE, "keys": "/p1"}), 422, "invalid_argument", "keys")
    assert_error(api.get("/pages/counts", params={"keys": ids[0]}), 422, "invalid_argument", "site")


def test_the_embed_page_may_be_framed_by_the_allowed_origins_only(stack: Stack):
    embed = requests.get(f"{stack.hosting_url}/embed", params={"site": SITE, "term": "/a"}, timeout=30)
    assert embed.status_code == 200 and 'data-embed="true"' in embed.text
    csp = embed.headers["Content-Security-Policy"]
    assert csp.endswith("; frame-ancestors http://localhost:* http://127.0.0.1:*"), csp
    assert "X-Frame-Options" not in embed.headers
    for path in ("/", "/t/x", "/signin", "/styles.css", "/embed/signin"):
        other = requests.get(f"{stack.hosting_url}{path}", timeout=30)
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], path
        assert other.headers["X-Frame-Options"] == "DENY", path
    # Hearth's sign-in window for the embed keeps its opener (the frame) to hand the session back.
    assert (
        requests.get(f"{stack.hosting_url}/embed/signin", timeout=30).headers["Cross-Origin-Opener-Policy"]
        == "unsafe-none"
    )
    loader = requests.get(f"{stack.hosting_url}/embed.js", timeout=30)
    assert loader.status_code == 200 and "hearth-comments" in loader.text
    assert loader.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_page_threads_show_in_the_forum_lists_marked_as_an_article_discussion(api: Api, alice: User):
    page = new_page()
    comment_on(api, alice, page)
    tid = page_thread_id(page["site"], page["term"])
    listed = api.get("/threads", params={"sort": "active", "limit": 50}).json()["items"]
    mine = [t for t in listed if t["id"] == tid]
    assert mine and mine[0]["page"] == {"site": SITE, "url": SITE + page["path"]}


def test_a_reply_on_a_page_thread_notifies_with_a_link_back_to_the_article(api: Api, alice: User, bob: User):
    page = new_page()
    first = comment_on(api, alice, page).json()
    reply = api.post(f"/threads/{first['threadId']}/comments", bob, json={"body": "hi", "parentId": first["id"]}).json()

    def arrived() -> list[dict[str, Any]]:
        return [n for n in api.get("/me/notifications", alice).json()["items"] if n["commentId"] == reply["id"]]

    notification = wait_for(arrived, what="the reply's notification")[0]
    assert notification["kind"] == "reply"
    assert notification["url"] == f"{SITE}{page['path']}#hearth-c-{reply['id']}"


def test_the_sign_in_window_gets_a_custom_token_that_signs_the_frame_in(api: Api, stack: Stack, alice: User):
    response = api.post("/me/embed-session", alice)
    assert response.status_code == 200, response.text
    token = response.json()["customToken"]
    signed = requests.post(
        f"{stack.auth_url}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken",
        params={"key": API_KEY},
        json={"token": token, "returnSecureToken": True},
        timeout=30,
    )
    assert signed.status_code == 200, signed.text
    me = api.get("/me", headers={"Authorization": f"Bearer {signed.json()['idToken']}"}).json()
    assert me["uid"] == alice.uid
    assert_error(api.post("/me/embed-session"), 401)
    assert json.loads(response.text).keys() == {"customToken"}

"""The moderators' queue and log: API and rules; nobody else reads them."""

import pytest
import requests

from tests.api.conftest import assert_error, wait_for


def _report(api, user, path, reason="spam", note=None):
    body = {"reason": reason, **({"note": note} if note else {})}
    response = api.post(f"{path}/report", user, json=body)
    assert response.status_code == 202, response.text


def _queue(api, user, **params):
    response = api.get("/mod/queue", user, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _handle(api, user):
    return api.get("/me", user).json()["handle"]


def test_queue_lists_reported_items_newest_first_with_their_reports(
    api, alice, bob, make_user, moderator, thread, make_comment
):
    carol, dave = make_user(name="Carol"), make_user(name="Dave")
    comment = make_comment(bob, thread["id"], "buy my stuff")
    cpath = f"/threads/{thread['id']}/comments/{comment['id']}"
    _report(api, carol, cpath, "spam", note="a link farm")
    _report(api, dave, cpath, "off_topic")
    _report(api, carol, f"/threads/{thread['id']}", "other", note="duplicate")

    page = _queue(api, moderator, limit=2)
    first, second = page["items"]
    assert first["id"] == f"thread~{thread['id']}" and second["id"] == f"comment~{thread['id']}~{comment['id']}"
    assert second["target"] == {"kind": "comment", "threadId": thread["id"], "commentId": comment["id"]}
    assert second["item"]["excerpt"] == "buy my stuff" and second["item"]["author"]["uid"] == bob.uid
    assert second["state"] == "open" and second["itemStatus"] == "visible"
    assert second["openReports"] == 2 and second["reportCount"] == 2
    assert second["reasonCounts"] == {"spam": 1, "off_topic": 1}
    assert [(r["reporter"]["handle"], r["reason"], r["note"]) for r in second["reports"]] == [
        (_handle(api, dave), "off_topic", ""),
        (_handle(api, carol), "spam", "a link farm"),
    ]
    assert first["item"]["title"] == thread["title"]

    # Paging: the cursor carries on where the page stopped, without repeats.
    one = _queue(api, moderator, limit=1)
    two = _queue(api, moderator, limit=1, cursor=one["nextCursor"])
    assert [one["items"][0]["id"], two["items"][0]["id"]] == [first["id"], second["id"]]


def test_queue_actions_dismiss_hide_and_restore_resolve_the_item_and_are_logged(
    api, alice, bob, make_user, moderator, thread, make_comment
):
    reporter = make_user()
    kept, spam = make_comment(bob, thread["id"], "fine"), make_comment(bob, thread["id"], "spam")
    kept_key = f"comment~{thread['id']}~{kept['id']}"
    spam_key = f"comment~{thread['id']}~{spam['id']}"
    _report(api, reporter, f"/threads/{thread['id']}/comments/{kept['id']}", "abuse")
    _report(api, reporter, f"/threads/{thread['id']}/comments/{spam['id']}", "spam")

    dismissed = api.post(f"/mod/queue/{kept_key}", moderator, json={"action": "dismiss"})
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["state"] == "resolved" and dismissed.json()["itemStatus"] == "visible"
    assert dismissed.json()["resolution"]["action"] == "dismiss"
    assert dismissed.json()["openReports"] == 0 and dismissed.json()["reportCount"] == 1

    hidden = api.post(f"/mod/queue/{spam_key}", moderator, json={"action": "hide", "reason": "spam"}).json()
    assert hidden["state"] == "resolved" and hidden["itemStatus"] == "hidden"
    assert hidden["hidden"]["reason"] == "spam" and hidden["hidden"]["by"] == "moderators"
    assert [c["id"] for c in api.get(f"/threads/{thread['id']}/comments").json()["items"]] == [kept["id"]]

    open_ids = [i["id"] for i in _queue(api, moderator, limit=50)["items"]]
    assert kept_key not in open_ids and spam_key not in open_ids
    resolved_ids = [i["id"] for i in _queue(api, moderator, state="resolved", limit=2)["items"]]
    assert resolved_ids == [spam_key, kept_key]

    restored = api.post(f"/mod/queue/{spam_key}", moderator, json={"action": "restore"}).json()
    assert restored["itemStatus"] == "visible"

    log = api.get("/mod/log", moderator, params={"limit": 3}).json()["items"]
    assert [(e["action"], e["target"]["commentId"]) for e in log] == [
        ("restore", spam["id"]),
        ("hide", spam["id"]),
        ("dismiss", kept["id"]),
    ]
    assert log[1]["reason"] == "spam" and log[1]["actor"]["handle"] == _handle(api, moderator)
    assert all(e["at"].endswith("Z") for e in log)


def test_auto_hidden_items_wait_in_the_queue_until_a_moderator_restores_them(
    api, db, alice, make_user, moderator, make_thread
):
    thread = make_thread(make_user())
    path, key = f"/threads/{thread['id']}", f"thread~{thread['id']}"
    for user in [make_user() for _ in range(3)]:
        _report(api, user, path, "abuse")
    wait_for(lambda: api.get(path).status_code == 404, what="auto-hide")
    item = next(i for i in _queue(api, moderator, limit=50)["items"] if i["id"] == key)
    assert item["autoHidden"] is True and item["itemStatus"] == "hidden" and item["hidden"]["reason"] == "flagged"
    assert len(item["reports"]) == 3
    assert api.post(f"/mod/queue/{key}", moderator, json={"action": "restore"}).json()["itemStatus"] == "visible"
    assert api.get(path).status_code == 200
    log = api.get("/mod/log", moderator, params={"limit": 2}).json()["items"]
    assert [(e["action"], e["actor"]) for e in log][1] == ("auto_hide", None)


def test_non_moderators_cannot_read_or_act_on_the_queue_or_the_log(api, alice, bob, thread):
    _report(api, bob, f"/threads/{thread['id']}")
    key = f"thread~{thread['id']}"
    for user in (alice, bob):
        assert_error(api.get("/mod/queue", user), 403, "forbidden")
        assert_error(api.get("/mod/log", user), 403, "forbidden")
        assert_error(api.post(f"/mod/queue/{key}", user, json={"action": "dismiss"}), 403, "forbidden")
    assert_error(api.get("/mod/queue"), 401, "unauthenticated")
    assert_error(api.get("/mod/log"), 401, "unauthenticated")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"action": "ban"}, "action"),
        ({}, "action"),
        ({"action": "hide"}, "reason"),
        ({"action": "hide", "reason": "flagged"}, "reason"),
        ({"action": "dismiss", "reason": "spam"}, "reason"),
        ({"action": "dismiss", "x": 1}, "x"),
    ],
)
def test_invalid_queue_action_is_422(api, bob, moderator, thread, body, field):
    _report(api, bob, f"/threads/{thread['id']}")
    assert_error(api.post(f"/mod/queue/thread~{thread['id']}", moderator, json=body), 422, "invalid_argument", field)


def test_unknown_queue_items_are_404(api, moderator, thread):
    assert_error(api.post(f"/mod/queue/thread~{thread['id']}", moderator, json={"action": "dismiss"}), 404)
    assert_error(api.post("/mod/queue/nonsense", moderator, json={"action": "dismiss"}), 404)


@pytest.mark.parametrize(
    "params,field", [({"state": "closed"}, "state"), ({"limit": 0}, "limit"), ({"cursor": "garbage"}, "cursor")]
)
def test_invalid_queue_query_is_422(api, moderator, params, field):
    assert_error(api.get("/mod/queue", moderator, params=params), 422, "invalid_argument", field)


# --- rules: the second wall ---------------------------------------------------------------------


def _read_directly(stack, user, path):
    """A client's direct read of a document through Firestore's REST API, as firestore.rules judge it."""
    url = f"http://{stack.firestore_host}/v1/projects/{stack.project}/databases/(default)/documents/{path}"
    return requests.get(url, headers=user.headers if user else {}, timeout=30)


def test_rules_let_only_moderators_read_reports_the_queue_and_the_log(api, stack, db, alice, bob, moderator, thread):
    _report(api, bob, f"/threads/{thread['id']}")
    api.put(f"/threads/{thread['id']}/hidden", moderator, json={"reason": "spam"})
    key = f"thread~{thread['id']}"
    log_id = next(iter(db.collection("modLog").order_by("at", direction="DESCENDING").limit(1).stream())).id
    paths = [f"reports/{key}~{bob.uid}", f"modQueue/{key}", f"modLog/{log_id}"]
    for path in paths:
        for user in (None, alice, bob):  # bob filed the report and still may not read it
            assert _read_directly(stack, user, path).status_code == 403, (path, user)
        allowed = _read_directly(stack, moderator, path)
        assert allowed.status_code == 200, (path, allowed.text)


def test_queue_and_log_entries_name_their_thread(api, bob, make_user, moderator, thread, make_comment):
    comment = make_comment(bob, thread["id"], "which thread is this in?")
    key = f"comment~{thread['id']}~{comment['id']}"
    _report(api, make_user(), f"/threads/{thread['id']}/comments/{comment['id']}", "spam")
    entry = next(i for i in _queue(api, moderator, limit=50)["items"] if i["id"] == key)
    assert entry["threadTitle"] == thread["title"]

    acted = api.post(f"/mod/queue/{key}", moderator, json={"action": "hide", "reason": "spam"})
    assert acted.status_code == 200 and acted.json()["threadTitle"] == thread["title"]
    assert api.patch(f"/threads/{thread['id']}", moderator, json={"locked": True}).status_code == 200
    log = api.get("/mod/log", moderator, params={"limit": 5}).json()["items"]
    by_action = {(e["action"], (e["target"] or {}).get("commentId")): e for e in log}
    assert by_action[("hide", comment["id"])]["threadTitle"] == thread["title"]
    assert by_action[("lock", None)]["threadTitle"] == thread["title"]


def test_me_tells_moderators_only_how_many_queue_entries_wait(
    api, alice, bob, make_user, moderator, thread, make_comment
):
    before = api.get("/me", moderator).json()["pendingModeration"]
    comment = make_comment(bob, thread["id"], "one more to look at")
    _report(api, make_user(), f"/threads/{thread['id']}/comments/{comment['id']}", "spam")
    after = api.get("/me", moderator).json()["pendingModeration"]
    assert after == min(before + 1, 100)
    assert "pendingModeration" not in api.get("/me", alice).json()
    api.post(f"/mod/queue/comment~{thread['id']}~{comment['id']}", moderator, json={"action": "dismiss"})
    assert api.get("/me", moderator).json()["pendingModeration"] == before  # resolved: no longer waiting


def test_every_documented_limit_pages_a_queue_of_more_than_thirty_items_and_reports_are_capped_per_item(
    stack, monkeypatch
):
    """Finding 6: with 31 items queued, limit=31..50 answered 500 (an `in` filter over more than 30
    values), and one heavily reported item pushed the other items' reports off the page."""
    import uuid
    from datetime import timedelta

    from google.cloud import firestore as gcf

    from hearth.api.app import create_app
    from hearth.db.ratelimit import Limit
    from hearth.deps import Config, Deps, utc_now
    from hearth.moderation.queue import REPORTS_PER_ITEM

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    db = gcf.Client(project=f"queue-{uuid.uuid4().hex[:8]}")
    config = Config(
        thread_limit=Limit("thread", 10_000, timedelta(minutes=10)),
        report_limit=Limit("report", 10_000, timedelta(minutes=10)),
    )

    def verify(token, check_revoked):
        uid, _, role = token.partition(":")
        return {"uid": uid, **({"moderator": True} if role == "mod" else {})}

    client = create_app(Deps(db=db, verify_token=verify, config=config, clock=utc_now)).test_client()

    def as_(uid):
        return {"Authorization": f"Bearer {uid}"}

    tids = []
    for n in range(33):
        made = client.post("/api/threads", json={"title": f"t{n}", "body": "b"}, headers=as_("author"))
        assert made.status_code == 201, made.get_data(as_text=True)
        tids.append(made.get_json()["id"])
    for tid in tids:
        assert client.post(f"/api/threads/{tid}/report", json={"reason": "spam"}, headers=as_("r0")).status_code == 202
    heavy = tids[0]
    for n in range(1, 3 * REPORTS_PER_ITEM):  # one item reported by many more than the page's share
        assert (
            client.post(f"/api/threads/{heavy}/report", json={"reason": "abuse"}, headers=as_(f"r{n}")).status_code
            == 202
        )
    for limit in range(31, 51):
        page = client.get("/api/mod/queue", query_string={"state": "open", "limit": limit}, headers=as_("m:mod"))
        assert page.status_code == 200, (limit, page.get_data(as_text=True))
        assert len(page.get_json()["items"]) == min(limit, 33)
    items = client.get("/api/mod/queue", query_string={"state": "open", "limit": 50}, headers=as_("m:mod")).get_json()[
        "items"
    ]
    by_id = {item["target"]["threadId"]: item for item in items}
    assert len(by_id[heavy]["reports"]) == REPORTS_PER_ITEM and by_id[heavy]["reportCount"] == 3 * REPORTS_PER_ITEM
    assert all(len(by_id[tid]["reports"]) == 1 for tid in tids[1:])


def test_a_demoted_moderators_token_reads_nothing_more_through_the_api_or_the_rules(
    api, stack, db, bob, make_user, thread
):
    """Finding 10: a demoted moderator kept reading hidden text, reports and the log for up to an
    hour (API and rules), and the role sync could write `moderator` back from the stale token."""
    from devstack.authemu import set_claims

    moderator = make_user(moderator=True)
    assert api.get("/me", moderator).json()["role"] == "moderator"
    _report(api, bob, f"/threads/{thread['id']}")
    assert api.get("/mod/queue", moderator).status_code == 200
    key = f"thread~{thread['id']}"
    assert _read_directly(stack, moderator, f"modQueue/{key}").status_code == 200
    assert db.document(f"moderators/{moderator.uid}").get().exists

    set_claims(stack.auth_url, stack.project, moderator.uid, {})  # demoted; the old token still says moderator
    assert_error(api.get("/mod/queue", moderator), 403, "forbidden")
    assert_error(api.get("/mod/log", moderator), 403, "forbidden")
    assert db.document(f"users/{moderator.uid}").get().get("role") == "member"
    assert not db.document(f"moderators/{moderator.uid}").get().exists
    assert _read_directly(stack, moderator, f"modQueue/{key}").status_code == 403
    api.get(f"/threads/{thread['id']}", moderator)  # any later request with the stale token
    assert db.document(f"users/{moderator.uid}").get().get("role") == "member"

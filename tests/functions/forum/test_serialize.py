from datetime import datetime, timedelta, timezone

from hearth.forum import serialize


def test_times_are_rfc3339_utc_with_milliseconds():
    when = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=timezone(timedelta(hours=2)))
    assert serialize.rfc3339(when) == "2026-03-04T03:06:07.891Z"
    assert serialize.rfc3339(None) is None


def test_counts_list_every_reaction_type():
    assert serialize.counts({"fire": 2}) == {"like": 0, "unicorn": 0, "exploding_head": 0, "raised_hands": 0, "fire": 2}


def test_deleted_comment_is_a_tombstone_without_text_or_author():
    out = serialize.comment(
        "c",
        {
            "status": "deleted",
            "body": "secret",
            "bodyHtml": "<p>secret</p>",
            "author": {"uid": "u", "handle": "h", "displayName": "H"},
        },
    )
    assert out["body"] == "" and out["bodyHtml"] == "" and out["author"] is None
    assert out["status"] == "deleted"


def test_profile_never_carries_an_email():
    out = serialize.profile(
        "u", {"handle": "h", "email": "x@example.com", "displayName": "H"}, datetime.now(timezone.utc)
    )
    assert "email" not in out and "x@example.com" not in str(out)


def test_thread_summaries_carry_an_excerpt_not_the_body():
    data = {"title": "T", "body": "long body", "bodyHtml": "<p>long body</p>", "excerpt": "long body"}
    summary = serialize.thread("t", data, full=False)
    assert "body" not in summary and summary["excerpt"] == "long body"
    assert serialize.thread("t", data)["bodyHtml"] == "<p>long body</p>"


def test_hidden_comment_is_a_placeholder_with_its_reason_unless_revealed():
    data = {
        "status": "hidden",
        "body": "spammy",
        "bodyHtml": "<p>spammy</p>",
        "author": {"uid": "u", "handle": "h"},
        "hidden": {"reason": "spam", "by": "moderators", "uid": "m", "at": None},
    }
    out = serialize.comment("c", data)
    assert (out["body"], out["bodyHtml"], out["author"]) == ("", "", None)
    assert out["hidden"] == {"reason": "spam", "by": "moderators", "at": None}  # never the moderator's uid
    revealed = serialize.comment("c", data, reveal=True)
    assert revealed["body"] == "spammy" and revealed["hidden"]["reason"] == "spam"


def test_hidden_thread_shows_no_title_or_text_unless_revealed():
    data = {"status": "hidden", "title": "Buy now", "excerpt": "cheap", "hidden": {"reason": "spam", "by": "reports"}}
    summary = serialize.thread("t", data, full=False)
    assert summary["title"] == "[hidden]" and summary["excerpt"] == "" and summary["author"] is None
    assert serialize.thread("t", data, full=False, reveal=True)["title"] == "Buy now"
    assert serialize.thread("t", {"status": "visible", "title": "x"})["hidden"] is None

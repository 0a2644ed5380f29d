"""The input models: typed values out, refusals in the API's own words (http.invalid) with the field at fault."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, ValidationError

from hearth.api import models
from hearth.api.http import invalid
from hearth.errors import Invalid
from hearth.forum.threads import ThreadSort
from hearth.moderation.hiding import HideReason
from hearth.moderation.queue import QueueAction

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


def refusal(model: type[BaseModel], data: dict, **context) -> Invalid:
    """The Invalid the API answers for data (the test fails if the model accepts it)."""
    with pytest.raises(ValidationError) as err:
        model.model_validate(data, context=context)
    return invalid(err.value)


def test_a_thread_comes_out_trimmed_and_typed():
    post = models.ThreadInput.model_validate({"title": "  Hi  ", "body": " b ", "tags": ["a", "b-c"]})
    assert (post.title, post.body, post.tags) == ("Hi", "b", ["a", "b-c"])
    assert models.ThreadInput.model_validate({"title": "t", "body": "b"}).tags == []
    assert models.ThreadInput.model_validate({"title": "t", "body": "b", "tags": None}).tags == []


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"title": "", "body": "b"}, "title", "title is required"),
        ({"title": "t", "body": 5}, "body", "body must be a string"),
        ({"title": "t", "body": "b", "tags": ["a", "a"]}, "tags", "tag 'a' is repeated"),
        ({"body": "b"}, "title", "title is required"),
        ({"title": "t", "body": "b", "titel": "x"}, "titel", "unknown field 'titel'"),
        ({"titel": "x", "title": ""}, "titel", "unknown field 'titel'"),  # a typo is named before other faults
    ],
)
def test_a_refused_thread_names_the_field_in_the_apis_words(data, field, message):
    refused = refusal(models.ThreadInput, data)
    assert (refused.status, refused.code, refused.field, refused.message) == (422, "invalid_argument", field, message)


def test_a_thread_patch_tells_left_out_from_sent():
    edit = models.ThreadPatch.model_validate({"locked": True})
    assert (edit.title, edit.body, edit.tags, edit.locked, edit.pinned) == (None, None, None, True, None)
    assert models.ThreadPatch.model_validate({"tags": None}).tags == []  # null clears the tags


@pytest.mark.parametrize(
    "data,field",
    [
        ({}, None),
        ({"locked": "true"}, "locked"),
        ({"pinned": 1}, "pinned"),
        ({"title": None}, "title"),
        ({"body": "  "}, "body"),
        ({"x": 1}, "x"),
    ],
)
def test_a_thread_patch_refuses_nothing_null_and_look_alike_booleans(data, field):
    assert refusal(models.ThreadPatch, data).field == field


def test_a_comment_takes_a_parent_id_or_null():
    assert models.CommentInput.model_validate({"body": "b", "parentId": "abc"}).parent_id == "abc"
    assert models.CommentInput.model_validate({"body": "b", "parentId": None}).parent_id is None
    assert refusal(models.CommentInput, {"body": "b", "parentId": "__x__"}).field == "parentId"
    assert refusal(models.CommentInput, {"body": "b", "parent_id": "abc"}).field == "parent_id"


def test_a_profile_edit_clears_the_bio_with_null_but_never_the_handle():
    edit = models.ProfileInput.model_validate({"bio": None})
    assert (edit.handle, edit.display_name, edit.bio) == (None, None, "")
    assert refusal(models.ProfileInput, {"handle": None}).field == "handle"
    assert refusal(models.ProfileInput, {"displayName": "\u200b"}).field == "displayName"


def test_mark_read_takes_ids_or_nothing():
    assert models.MarkRead.model_validate({}).ids is None
    assert models.MarkRead.model_validate({"ids": ["a", "b", "a"]}).ids == ["a", "b"]


@pytest.mark.parametrize(
    "body",
    [{"ids": []}, {"ids": None}, {"ids": ["a"] * 51}, {"ids": [""]}, {"ids": ["a/b"]}, {"ids": [7]}, {"all": True}],
)
def test_mark_read_refuses_anything_else(body):
    assert refusal(models.MarkRead, body).field in ("ids", "all")


def test_enums_are_refused_with_their_values_listed():
    assert models.HideInput.model_validate({"reason": "spam"}).reason is HideReason.SPAM
    refused = refusal(models.HideInput, {"reason": "rude"})
    assert (
        refused.field == "reason" and refused.message == "reason must be one of spam, abuse, off_topic, outdated, other"
    )


@pytest.mark.parametrize(
    "data,field",
    [
        ({"action": "hide"}, "reason"),
        ({"action": "dismiss", "reason": "spam"}, "reason"),
        ({"action": "ban"}, "action"),
    ],
)
def test_a_queue_action_takes_a_reason_to_hide_and_only_then(data, field):
    assert refusal(models.QueueActionInput, data).field == field
    action = models.QueueActionInput.model_validate({"action": "hide", "reason": "abuse"})
    assert (action.action, action.reason) == (QueueAction.HIDE, HideReason.ABUSE)


def test_a_suspension_ends_in_the_future_of_the_request():
    until = (NOW + timedelta(days=1)).isoformat()
    assert models.SuspensionInput.model_validate(
        {"reason": "r", "until": until}, context={"now": NOW}
    ).until == NOW + timedelta(days=1)
    assert refusal(models.SuspensionInput, {"reason": "r", "until": NOW.isoformat()}, now=NOW).field == "until"
    assert refusal(models.SuspensionInput, {"reason": "r", "until": "2031-01-01T00:00:00"}, now=NOW).field == "until"


def test_a_report_note_is_optional_and_null_is_empty():
    assert models.ReportInput.model_validate({"reason": "spam", "note": None}).note == ""
    assert refusal(models.ReportInput, {"reason": "spam", "note": "x" * 501}).field == "note"


def test_query_strings_default_and_parse_and_ignore_unknown_parameters():
    q = models.ThreadsQuery.model_validate({"utm_source": "x"})
    assert (q.sort, q.tag, q.limit, q.cursor) == (ThreadSort.NEW, None, 20, None)
    q = models.ThreadsQuery.model_validate({"sort": "top", "limit": "5", "tag": "a-b"})
    assert (q.sort, q.limit, q.tag) == (ThreadSort.TOP, 5, "a-b")


@pytest.mark.parametrize(
    "query,field",
    [
        ({"limit": "0"}, "limit"),
        ({"limit": " 5"}, "limit"),
        ({"sort": ""}, "sort"),
        ({"sort": "old"}, "sort"),
        ({"sort": "Top"}, "sort"),
        ({"sort": "new "}, "sort"),
        ({"tag": ""}, "tag"),
    ],
)
def test_a_bad_query_parameter_is_refused_on_its_name(query, field):
    assert refusal(models.ThreadsQuery, query).field == field


def test_settings_switch_only_the_kinds_sent():
    given = models.SettingsInput.model_validate({"notify": {"comment": False, "reply": True}})
    assert given.switches() == {"comment": False, "reply": True}
    assert refusal(models.SettingsInput, {"notify": {}}).field == "notify"
    assert refusal(models.SettingsInput, {}).message == "notify is required"
    wrong = refusal(models.SettingsInput, {"notify": {"comment": 1}})
    assert (wrong.field, wrong.message) == ("notify", "each kind is true (notify me) or false")
    typo = refusal(models.SettingsInput, {"notify": {"mentions": False}})
    assert (typo.field, typo.message) == ("notify", "unknown field 'notify.mentions'")


@pytest.mark.parametrize("prefix", ["ab", "a_1", "x" * 30])
def test_a_handle_prefix_is_the_start_of_a_handle(prefix):
    assert models.HandlePrefixQuery.model_validate({"prefix": prefix}).prefix == prefix


@pytest.mark.parametrize("prefix", ["a", "", "AB", "a-b", "x" * 31, "@ab"])
def test_anything_else_is_refused_on_prefix(prefix):
    refused = refusal(models.HandlePrefixQuery, {"prefix": prefix})
    assert refused.field == "prefix" and "start of a handle" in refused.message


def test_page_counts_take_a_site_and_its_pages_each_once():
    key = "pg-" + "0" * 32
    q = models.PageCountsQuery.model_validate({"site": "https://blog.example", "keys": [key, key], "x": "1"})
    assert (q.site, q.keys) == ("https://blog.example", [key])


@pytest.mark.parametrize(
    "query,field,words",
    [
        ({"site": "https://blog.example", "keys": []}, "keys", "at least one page"),
        ({"site": "https://blog.example", "keys": ["pg-" + f"{n:032x}" for n in range(51)]}, "keys", "at most 50"),
        ({"site": "https://blog.example", "keys": ["/a"]}, "keys", "thread id"),
        ({"site": "https://blog.example/", "keys": ["pg-" + "0" * 32]}, "site", "origin"),
        ({"keys": ["pg-" + "0" * 32]}, "site", "site is required"),
    ],
)
def test_bad_page_counts_are_refused_in_the_apis_words(query, field, words):
    refused = refusal(models.PageCountsQuery, query)
    assert refused.field == field and words in refused.message


def test_a_list_field_of_a_query_takes_every_value_and_the_others_their_first():
    from flask import Flask

    from hearth.api.http import query

    key = "pg-" + "1" * 32
    both = f"/?site=https://a.example&site=https://b.example&keys={key}&keys=nope"
    with Flask(__name__).test_request_context(both), pytest.raises(ValidationError) as refused:
        query(models.PageCountsQuery)
    assert invalid(refused.value).field == "keys"  # both keys were read, and the second is no page's id
    with Flask(__name__).test_request_context(f"/?site=https://a.example&site=https://b.example&keys={key}"):
        q = query(models.PageCountsQuery)
    assert (q.site, q.keys) == ("https://a.example", [key])

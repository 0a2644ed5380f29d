"""The Flask app behind the `api` function: routes only parse the request and call a domain function.

Path ids come checked by the `id` and `handle` converters (http.CONVERTERS), bodies and query
strings as input models (models.py, parsed by http.body and http.query), so a domain function
gets typed values only.
"""
from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from . import http
from ..forum import bookmarks, comments, preview, reactions, threads, users
from ..moderation import hiding, queue, reports, suspensions
from ..notifications import inbox, mutes
from ..deps import Deps
from ..auth import Caller
from ..validation import reaction_type
from .http import body, deps, optional_caller, query, require_caller
from .models import (CommentInput, CommentPatch, CommentsQuery, HideInput, MarkRead, Page, ProfileInput, QueueActionInput,
                     QueueQuery, RenderInput, ReportInput, SuspensionInput, ThreadInput, ThreadPatch, ThreadsQuery,
                     UserThreadsQuery)
from .openapi import openapi_document

me_bp = Blueprint("me", __name__)
users_bp = Blueprint("users", __name__)
threads_bp = Blueprint("threads", __name__)
comments_bp = Blueprint("comments", __name__)
reactions_bp = Blueprint("reactions", __name__)
bookmarks_bp = Blueprint("bookmarks", __name__)
moderation_bp = Blueprint("moderation", __name__)
notifications_bp = Blueprint("notifications", __name__)
preview_bp = Blueprint("preview", __name__)
meta_bp = Blueprint("meta", __name__)


def _now():
    return deps().clock()


# --- profiles -------------------------------------------------------------------------------

@me_bp.get("/me")
def get_me():
    return jsonify(users.get_me(deps().db, require_caller(), _now()))


@me_bp.put("/me")
def put_me():
    who, edit = require_caller(), body(ProfileInput)
    return jsonify(users.put_me(deps().db, who, handle=edit.handle, display_name=edit.display_name, bio=edit.bio,
                                now=_now()))


@users_bp.get("/users/<handle:handle>")
def get_user(handle: str):
    return jsonify(users.get_user(deps().db, handle, _now()))


@users_bp.get("/users/<handle:handle>/threads")
def get_user_threads(handle: str):
    who, q = optional_caller(), query(UserThreadsQuery)
    uid, _ = users.uid_for_handle(deps().db, handle)
    return jsonify(threads.list_threads(deps().db, who, sort=q.sort, tag=None, author_uid=uid, limit=q.limit,
                                        cursor=q.cursor))


@users_bp.route("/users/<handle:handle>/suspension", methods=["PUT", "DELETE"])
def suspension(handle: str):
    who, now = require_caller(), _now()
    suspensions.require_moderator(who)  # who may, before what: a member's request is a 403 whatever its body
    suspend = None
    if request.method == "PUT":
        given = body(SuspensionInput, now=now)
        suspend = (given.reason, given.until)
    return jsonify(suspensions.set_suspension(deps().db, who, handle, suspend, now))


@users_bp.get("/users/<handle:handle>/comments")
def get_user_comments(handle: str):
    q = query(Page)
    uid, _ = users.uid_for_handle(deps().db, handle)
    return jsonify(comments.list_by_author(deps().db, uid, limit=q.limit, cursor=q.cursor))


# --- threads --------------------------------------------------------------------------------

@threads_bp.post("/threads")
def post_thread():
    d, who, post = deps(), require_caller(), body(ThreadInput)
    return jsonify(threads.create(d.db, who, title=post.title, body=post.body, tags=post.tags, now=_now(),
                                  config=d.config)), 201


@threads_bp.get("/threads")
def list_threads():
    who, q = optional_caller(), query(ThreadsQuery)
    return jsonify(threads.list_threads(deps().db, who, sort=q.sort, tag=q.tag, limit=q.limit, cursor=q.cursor))


@threads_bp.get("/threads/<id:tid>")
def get_thread(tid: str):
    return jsonify(threads.get(deps().db, optional_caller(), tid))


@threads_bp.patch("/threads/<id:tid>")
def patch_thread(tid: str):
    who, edit = require_caller(), body(ThreadPatch)
    return jsonify(threads.patch(deps().db, who, tid, title=edit.title, body=edit.body, tags=edit.tags,
                                 locked=edit.locked, pinned=edit.pinned, now=_now()))


@threads_bp.delete("/threads/<id:tid>")
def delete_thread(tid: str):
    threads.delete(deps().db, require_caller(), tid, _now())
    return "", 204


# --- comments -------------------------------------------------------------------------------

@comments_bp.post("/threads/<id:tid>/comments")
def post_comment(tid: str):
    d, who, post = deps(), require_caller(), body(CommentInput)
    return jsonify(comments.create(d.db, who, tid, body=post.body, parent_id=post.parent_id, now=_now(),
                                   config=d.config)), 201


@comments_bp.get("/threads/<id:tid>/comments")
def list_comments(tid: str):
    who, q = optional_caller(), query(CommentsQuery)
    return jsonify(comments.list_comments(deps().db, who, tid, sort=q.sort, limit=q.limit, cursor=q.cursor))


@comments_bp.get("/threads/<id:tid>/comments/<id:cid>/replies")
def list_replies(tid: str, cid: str):
    who, q = optional_caller(), query(Page)
    return jsonify(comments.list_replies(deps().db, who, tid, cid, limit=q.limit, cursor=q.cursor))


@comments_bp.get("/threads/<id:tid>/comments/<id:cid>")
def get_comment(tid: str, cid: str):
    return jsonify(comments.get_one(deps().db, optional_caller(), tid, cid))


@comments_bp.patch("/threads/<id:tid>/comments/<id:cid>")
def patch_comment(tid: str, cid: str):
    who, edit = require_caller(), body(CommentPatch)
    return jsonify(comments.patch(deps().db, who, tid, cid, body=edit.body, now=_now()))


@comments_bp.delete("/threads/<id:tid>/comments/<id:cid>")
def delete_comment(tid: str, cid: str):
    comments.delete(deps().db, require_caller(), tid, cid, _now())
    return "", 204


# --- reactions ------------------------------------------------------------------------------
# An unknown reaction is a 422 (a rule broken), not a 404, so the kind is checked here, not by a converter.

@reactions_bp.route("/threads/<id:tid>/reactions/<kind>", methods=["PUT", "DELETE"])
def react_thread(tid: str, kind: str):
    who, on = require_caller(), request.method == "PUT"
    return jsonify(reactions.on_thread(deps().db, who, tid, reaction_type(kind), on, _now()))


@reactions_bp.route("/threads/<id:tid>/comments/<id:cid>/reactions/<kind>", methods=["PUT", "DELETE"])
def react_comment(tid: str, cid: str, kind: str):
    who, on = require_caller(), request.method == "PUT"
    return jsonify(reactions.on_comment(deps().db, who, tid, cid, reaction_type(kind), on, _now()))


# --- bookmarks ------------------------------------------------------------------------------

@bookmarks_bp.put("/threads/<id:tid>/bookmark")
def put_bookmark(tid: str):
    return jsonify(bookmarks.put(deps().db, require_caller(), tid, _now()))


@bookmarks_bp.delete("/threads/<id:tid>/bookmark")
def delete_bookmark(tid: str):
    return jsonify(bookmarks.delete(deps().db, require_caller(), tid, _now()))


@bookmarks_bp.get("/me/bookmarks")
def list_bookmarks():
    who, q = require_caller(), query(Page)
    return jsonify(bookmarks.list_mine(deps().db, who, limit=q.limit, cursor=q.cursor))


# --- moderation -----------------------------------------------------------------------------

@moderation_bp.route("/threads/<id:tid>/hidden", methods=["PUT", "DELETE"])
def hide_thread(tid: str):
    who = require_caller()
    reason = body(HideInput).reason if request.method == "PUT" else None
    return jsonify(hiding.set_hidden(deps().db, who, hiding.Target(tid), reason, _now()))


@moderation_bp.route("/threads/<id:tid>/comments/<id:cid>/hidden", methods=["PUT", "DELETE"])
def hide_comment(tid: str, cid: str):
    who = require_caller()
    reason = body(HideInput).reason if request.method == "PUT" else None
    return jsonify(hiding.set_hidden(deps().db, who, hiding.Target(tid, cid), reason, _now()))


@moderation_bp.post("/threads/<id:tid>/report")
def report_thread(tid: str):
    d, who, given = deps(), require_caller(), body(ReportInput)
    return jsonify(reports.report(d.db, who, hiding.Target(tid), given.reason, given.note, _now(), d.config)), 202


@moderation_bp.post("/threads/<id:tid>/comments/<id:cid>/report")
def report_comment(tid: str, cid: str):
    d, who, given = deps(), require_caller(), body(ReportInput)
    return jsonify(reports.report(d.db, who, hiding.Target(tid, cid), given.reason, given.note, _now(),
                                  d.config)), 202


@moderation_bp.get("/mod/queue")
def mod_queue():
    who, q = require_caller(), query(QueueQuery)
    return jsonify(queue.list_queue(deps().db, who, state=q.state, limit=q.limit, cursor=q.cursor))


@moderation_bp.post("/mod/queue/<key>")
def mod_queue_action(key: str):
    who = require_caller()
    queue.require_moderator(who)  # who may, before what: a member's request is a 403 whatever its body
    given = body(QueueActionInput)
    return jsonify(queue.act(deps().db, who, key, given.action, given.reason, _now()))


@moderation_bp.get("/mod/log")
def mod_log():
    who, q = require_caller(), query(Page)
    return jsonify(queue.list_log(deps().db, who, limit=q.limit, cursor=q.cursor))


# --- notifications and muting ----------------------------------------------------------------

@notifications_bp.get("/me/notifications")
def list_notifications():
    who, q = require_caller(), query(Page)
    return jsonify(inbox.list_mine(deps().db, who, limit=q.limit, cursor=q.cursor))


@notifications_bp.post("/me/notifications/read")
def mark_notifications_read():
    who, given = require_caller(), body(MarkRead)
    return jsonify(inbox.mark_read(deps().db, who, given.ids))


@notifications_bp.put("/threads/<id:tid>/mute")
def put_mute(tid: str):
    return jsonify(mutes.put(deps().db, require_caller(), tid, _now()))


@notifications_bp.delete("/threads/<id:tid>/mute")
def delete_mute(tid: str):
    return jsonify(mutes.delete(deps().db, require_caller(), tid, _now()))


# --- previews ------------------------------------------------------------------------------

@preview_bp.post("/render")
def post_render():
    # Signed in, but no revocation check: a preview stores nothing, and that check costs a call to Auth.
    who = require_caller(check_revoked=False)
    d, draft = deps(), body(RenderInput)
    return jsonify(preview.render_preview(d.db, who, draft.body, _now(), d.instance_windows, d.config.preview_limit))


# --- meta -----------------------------------------------------------------------------------

@meta_bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


BLUEPRINTS = (me_bp, users_bp, threads_bp, comments_bp, reactions_bp, bookmarks_bp, moderation_bp, notifications_bp,
              preview_bp,
              meta_bp)


def sync_role(dependencies: Deps, who: Caller) -> None:
    """After a signed-in caller's successful request: their public role follows their moderator claim.

    Free when this process has seen the stored role match (users.sync_role), a write only when it changed.
    """
    users.sync_role(dependencies.db, who)


def create_app(dependencies: Deps) -> Flask:
    """The API app with its dependencies; every route lives under /api."""
    app = Flask("hearth", static_folder=None)
    app.config["HEARTH_DEPS"] = dependencies
    app.url_map.converters.update(http.CONVERTERS)  # before the blueprints' rules are added
    for bp in BLUEPRINTS:
        app.register_blueprint(bp, url_prefix="/api")
    http.install(app, signed_in_hook=sync_role)
    return app

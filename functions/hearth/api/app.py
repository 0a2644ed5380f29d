"""The Flask app behind the `api` function: routes only parse the request and call a domain function."""
from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from . import http
from ..forum import bookmarks, comments, preview, reactions, threads, users
from ..moderation import hiding, queue, reports, suspensions
from ..notifications import inbox, mutes
from ..deps import Deps
from ..auth import Caller
from .http import deps, json_body, optional_caller, require_caller
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
    return jsonify(users.put_me(deps().db, require_caller(), json_body(), _now()))


@users_bp.get("/users/<handle>")
def get_user(handle: str):
    return jsonify(users.get_user(deps().db, handle, _now()))


@users_bp.get("/users/<handle>/threads")
def get_user_threads(handle: str):
    uid, _ = users.uid_for_handle(deps().db, handle)
    args = request.args
    return jsonify(threads.list_threads(deps().db, optional_caller(), sort=args.get("sort"), tag=None,
                                        author_uid=uid, limit=args.get("limit"), cursor=args.get("cursor")))


@users_bp.route("/users/<handle>/suspension", methods=["PUT", "DELETE"])
def suspension(handle: str):
    who = require_caller()
    data = json_body() if request.method == "PUT" else None
    return jsonify(suspensions.set_suspension(deps().db, who, handle, data, _now()))


@users_bp.get("/users/<handle>/comments")
def get_user_comments(handle: str):
    uid, _ = users.uid_for_handle(deps().db, handle)
    args = request.args
    return jsonify(comments.list_by_author(deps().db, uid, limit=args.get("limit"), cursor=args.get("cursor")))


# --- threads --------------------------------------------------------------------------------

@threads_bp.post("/threads")
def post_thread():
    d = deps()
    return jsonify(threads.create(d.db, require_caller(), json_body(), _now(), d.config)), 201


@threads_bp.get("/threads")
def list_threads():
    args = request.args
    return jsonify(threads.list_threads(deps().db, optional_caller(), sort=args.get("sort"),
                                        tag=args.get("tag"), limit=args.get("limit"), cursor=args.get("cursor")))


@threads_bp.get("/threads/<tid>")
def get_thread(tid: str):
    return jsonify(threads.get(deps().db, optional_caller(), tid))


@threads_bp.patch("/threads/<tid>")
def patch_thread(tid: str):
    return jsonify(threads.patch(deps().db, require_caller(), tid, json_body(), _now()))


@threads_bp.delete("/threads/<tid>")
def delete_thread(tid: str):
    threads.delete(deps().db, require_caller(), tid, _now())
    return "", 204


# --- comments -------------------------------------------------------------------------------

@comments_bp.post("/threads/<tid>/comments")
def post_comment(tid: str):
    d = deps()
    return jsonify(comments.create(d.db, require_caller(), tid, json_body(), _now(), d.config)), 201


@comments_bp.get("/threads/<tid>/comments")
def list_comments(tid: str):
    args = request.args
    return jsonify(comments.list_comments(deps().db, optional_caller(), tid, sort=args.get("sort"),
                                          limit=args.get("limit"), cursor=args.get("cursor")))


@comments_bp.get("/threads/<tid>/comments/<cid>/replies")
def list_replies(tid: str, cid: str):
    args = request.args
    return jsonify(comments.list_replies(deps().db, optional_caller(), tid, cid,
                                         limit=args.get("limit"), cursor=args.get("cursor")))


@comments_bp.get("/threads/<tid>/comments/<cid>")
def get_comment(tid: str, cid: str):
    return jsonify(comments.get_one(deps().db, optional_caller(), tid, cid))


@comments_bp.patch("/threads/<tid>/comments/<cid>")
def patch_comment(tid: str, cid: str):
    return jsonify(comments.patch(deps().db, require_caller(), tid, cid, json_body(), _now()))


@comments_bp.delete("/threads/<tid>/comments/<cid>")
def delete_comment(tid: str, cid: str):
    comments.delete(deps().db, require_caller(), tid, cid, _now())
    return "", 204


# --- reactions ------------------------------------------------------------------------------

@reactions_bp.route("/threads/<tid>/reactions/<kind>", methods=["PUT", "DELETE"])
def react_thread(tid: str, kind: str):
    on = request.method == "PUT"
    return jsonify(reactions.on_thread(deps().db, require_caller(), tid, kind, on, _now()))


@reactions_bp.route("/threads/<tid>/comments/<cid>/reactions/<kind>", methods=["PUT", "DELETE"])
def react_comment(tid: str, cid: str, kind: str):
    on = request.method == "PUT"
    return jsonify(reactions.on_comment(deps().db, require_caller(), tid, cid, kind, on, _now()))


# --- bookmarks ------------------------------------------------------------------------------

@bookmarks_bp.put("/threads/<tid>/bookmark")
def put_bookmark(tid: str):
    return jsonify(bookmarks.put(deps().db, require_caller(), tid, _now()))


@bookmarks_bp.delete("/threads/<tid>/bookmark")
def delete_bookmark(tid: str):
    return jsonify(bookmarks.delete(deps().db, require_caller(), tid, _now()))


@bookmarks_bp.get("/me/bookmarks")
def list_bookmarks():
    args = request.args
    return jsonify(bookmarks.list_mine(deps().db, require_caller(), limit=args.get("limit"),
                                       cursor=args.get("cursor")))


# --- moderation -----------------------------------------------------------------------------

@moderation_bp.route("/threads/<tid>/hidden", methods=["PUT", "DELETE"])
def hide_thread(tid: str):
    who, target = require_caller(), hiding.Target.of(tid)
    reason = hiding.hide_reason(json_body()) if request.method == "PUT" else None
    return jsonify(hiding.set_hidden(deps().db, who, target, reason, _now()))


@moderation_bp.route("/threads/<tid>/comments/<cid>/hidden", methods=["PUT", "DELETE"])
def hide_comment(tid: str, cid: str):
    who, target = require_caller(), hiding.Target.of(tid, cid)
    reason = hiding.hide_reason(json_body()) if request.method == "PUT" else None
    return jsonify(hiding.set_hidden(deps().db, who, target, reason, _now()))


@moderation_bp.post("/threads/<tid>/report")
def report_thread(tid: str):
    d, who = deps(), require_caller()
    return jsonify(reports.report(d.db, who, hiding.Target.of(tid), json_body(), _now(), d.config)), 202


@moderation_bp.post("/threads/<tid>/comments/<cid>/report")
def report_comment(tid: str, cid: str):
    d, who = deps(), require_caller()
    return jsonify(reports.report(d.db, who, hiding.Target.of(tid, cid), json_body(), _now(), d.config)), 202


@moderation_bp.get("/mod/queue")
def mod_queue():
    args = request.args
    return jsonify(queue.list_queue(deps().db, require_caller(), state=args.get("state"),
                                       limit=args.get("limit"), cursor=args.get("cursor")))


@moderation_bp.post("/mod/queue/<key>")
def mod_queue_action(key: str):
    who = require_caller()
    return jsonify(queue.act(deps().db, who, key, json_body(), _now()))


@moderation_bp.get("/mod/log")
def mod_log():
    args = request.args
    return jsonify(queue.list_log(deps().db, require_caller(), limit=args.get("limit"),
                                     cursor=args.get("cursor")))
# --- notifications and muting ----------------------------------------------------------------

@notifications_bp.get("/me/notifications")
def list_notifications():
    args = request.args
    return jsonify(inbox.list_mine(deps().db, require_caller(), limit=args.get("limit"),
                                   cursor=args.get("cursor")))


@notifications_bp.post("/me/notifications/read")
def mark_notifications_read():
    return jsonify(inbox.mark_read(deps().db, require_caller(), json_body()))


@notifications_bp.put("/threads/<tid>/mute")
def put_mute(tid: str):
    return jsonify(mutes.put(deps().db, require_caller(), tid, _now()))


@notifications_bp.delete("/threads/<tid>/mute")
def delete_mute(tid: str):
    return jsonify(mutes.delete(deps().db, require_caller(), tid, _now()))


# --- previews ------------------------------------------------------------------------------

@preview_bp.post("/render")
def post_render():
    # Signed in, but no revocation check: a preview stores nothing, and that check costs a call to Auth.
    who = require_caller(check_revoked=False)
    d = deps()
    return jsonify(preview.render_preview(d.db, who, json_body(), _now(), d.instance_windows, d.config.preview_limit))


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
    for bp in BLUEPRINTS:
        app.register_blueprint(bp, url_prefix="/api")
    http.install(app, signed_in_hook=sync_role)
    return app

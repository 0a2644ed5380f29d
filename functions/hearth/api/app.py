"""The Flask app behind the `api` function: routes only parse the request and call a domain function.

Path ids come checked by the `id` and `handle` converters (http.CONVERTERS), bodies and query
strings as input models (models.py, parsed by http.body and http.query), so a domain function
gets typed values only.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from ..auth import Caller
from ..deps import Deps
from ..errors import Busy
from ..forum import bookmarks, comments, history, pages, preview, reactions, threads, users
from ..moderation import hiding, queue, reports, suspensions
from ..notifications import inbox, mutes, preferences
from ..search import service as search_service
from ..validation import reaction_type
from . import embed, http
from .http import body, deps, optional_caller, query, require_caller
from .models import (
    CommentInput,
    CommentPatch,
    CommentsQuery,
    HandlePrefixQuery,
    HideInput,
    MarkRead,
    Page,
    PageCommentInput,
    PageCountsQuery,
    ProfileInput,
    QueueActionInput,
    QueueQuery,
    RenderInput,
    ReportInput,
    SearchQuery,
    SettingsInput,
    SuspensionInput,
    ThreadInput,
    ThreadPatch,
    ThreadsQuery,
    UserThreadsQuery,
)
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
search_bp = Blueprint("search", __name__)
meta_bp = Blueprint("meta", __name__)
pages_bp = Blueprint("pages", __name__)
embed_bp = Blueprint("embed", __name__)  # outside /api: the frame page itself


def _now():
    return deps().clock()


# --- profiles -------------------------------------------------------------------------------


@me_bp.get("/me")
def get_me():
    d, who, now = deps(), require_caller(), _now()
    me = users.get_me(d.db, who, now, on_ended=lambda: suspensions.end(d.db, who.uid, now))
    if who.is_moderator:  # the Moderation link's count of what waits for a decision
        me["pendingModeration"] = queue.pending_count(d.db)
    return jsonify(me)


@me_bp.put("/me")
def put_me():
    d, who, edit = deps(), require_caller(), body(ProfileInput)
    return jsonify(
        users.put_me(
            d.db,
            who,
            handle=edit.handle,
            display_name=edit.display_name,
            bio=edit.bio,
            now=_now(),
            rest_days=d.config.handle_rest_days,
        )
    )


@me_bp.post("/me/embed-session")
def post_embed_session():
    """A one-time custom token for the embed's frame, asked for by Hearth's sign-in window (top-level, first-party)."""
    who, d = require_caller(), deps()
    if d.mint_token is None:
        raise Busy("sessions for embedded comment sections are unavailable here")
    d.instance_windows.admit(f"embed-session:{who.uid}", _now(), d.config.embed_session_limit)
    return jsonify({"customToken": d.mint_token(who.uid)})


@me_bp.get("/me/settings")
def get_settings():
    return jsonify(preferences.get_settings(deps().db, require_caller(check_revoked=False)))


@me_bp.put("/me/settings")
def put_settings():
    who, given = require_caller(), body(SettingsInput)
    return jsonify(preferences.put_settings(deps().db, who, given.switches()))


@me_bp.get("/me/blocks")
def list_blocks():
    return jsonify(preferences.list_blocks(deps().db, require_caller(check_revoked=False)))


@me_bp.route("/me/blocks/<handle:handle>", methods=["PUT", "DELETE"])
def block(handle: str):
    d, who = deps(), require_caller()
    if request.method == "PUT":
        return jsonify(preferences.block(d.db, who, handle, _now()))
    return jsonify(preferences.unblock(d.db, who, handle))


@users_bp.get("/users")
def find_handles():
    """@mention autocomplete: a few handles by their start (signed in, rate-limited; no directory)."""
    d, who, q = deps(), require_caller(check_revoked=False), query(HandlePrefixQuery)
    return jsonify(users.handles_with_prefix(d.db, who, q.prefix, _now(), d.config.lookup_limit))


@users_bp.get("/users/<handle:handle>")
def get_user(handle: str):
    return jsonify(users.get_user(deps().db, handle, _now(), optional_caller()))


# By uid: what posts link to (mentions, authors), so a link keeps its person through a change of handle.
# "id" is no handle (handles have 3 characters or more), so the two routes never meet.
@users_bp.get("/users/id/<id:uid>")
def get_user_by_uid(uid: str):
    return jsonify(users.get_user_by_uid(deps().db, uid, _now(), optional_caller()))


@users_bp.get("/users/<handle:handle>/threads")
def get_user_threads(handle: str):
    who, q = optional_caller(), query(UserThreadsQuery)
    uid, _ = users.uid_for_handle(deps().db, handle)
    return jsonify(
        threads.list_threads(deps().db, who, sort=q.sort, tag=None, author_uid=uid, limit=q.limit, cursor=q.cursor)
    )


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
    return jsonify(
        threads.create(
            d.db,
            who,
            title=post.title,
            body=post.body,
            tags=post.tags,
            now=_now(),
            config=d.config,
            renderer=d.renderer,
        )
    ), 201


@threads_bp.get("/threads")
def list_threads():
    who, q = optional_caller(), query(ThreadsQuery)
    return jsonify(threads.list_threads(deps().db, who, sort=q.sort, tag=q.tag, limit=q.limit, cursor=q.cursor))


@threads_bp.get("/threads/<id:tid>")
def get_thread(tid: str):
    return jsonify(threads.get(deps().db, optional_caller(), tid))


@threads_bp.patch("/threads/<id:tid>")
def patch_thread(tid: str):
    d, who, edit = deps(), require_caller(), body(ThreadPatch)
    return jsonify(
        threads.patch(
            d.db,
            who,
            tid,
            title=edit.title,
            body=edit.body,
            tags=edit.tags,
            locked=edit.locked,
            pinned=edit.pinned,
            now=_now(),
            config=d.config,
            renderer=d.renderer,
        )
    )


@threads_bp.get("/threads/<id:tid>/history")
def thread_history(tid: str):
    return jsonify(history.of_thread(deps().db, optional_caller(), tid))


@threads_bp.delete("/threads/<id:tid>")
def delete_thread(tid: str):
    threads.delete(deps().db, require_caller(), tid, _now())
    return "", 204


# --- comments -------------------------------------------------------------------------------


@comments_bp.post("/threads/<id:tid>/comments")
def post_comment(tid: str):
    d, who, post = deps(), require_caller(), body(CommentInput)
    return jsonify(
        comments.create(
            d.db, who, tid, body=post.body, parent_id=post.parent_id, now=_now(), config=d.config, renderer=d.renderer
        )
    ), 201


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


@comments_bp.get("/threads/<id:tid>/comments/<id:cid>/history")
def comment_history(tid: str, cid: str):
    return jsonify(history.of_comment(deps().db, optional_caller(), tid, cid))


@comments_bp.patch("/threads/<id:tid>/comments/<id:cid>")
def patch_comment(tid: str, cid: str):
    d, who, edit = deps(), require_caller(), body(CommentPatch)
    return jsonify(
        comments.patch(d.db, who, tid, cid, body=edit.body, now=_now(), config=d.config, renderer=d.renderer)
    )


@comments_bp.delete("/threads/<id:tid>/comments/<id:cid>")
def delete_comment(tid: str, cid: str):
    comments.delete(deps().db, require_caller(), tid, cid, _now())
    return "", 204


# --- reactions ------------------------------------------------------------------------------
# An unknown reaction is a 422 (a rule broken), not a 404, so the kind is checked here, not by a converter.


@reactions_bp.route("/threads/<id:tid>/reactions/<kind>", methods=["PUT", "DELETE"])
def react_thread(tid: str, kind: str):
    d, who, on = deps(), require_caller(), request.method == "PUT"
    return jsonify(reactions.on_thread(d.db, who, tid, reaction_type(kind), on, _now(), d.config.reaction_limit))


@reactions_bp.route("/threads/<id:tid>/comments/<id:cid>/reactions/<kind>", methods=["PUT", "DELETE"])
def react_comment(tid: str, cid: str, kind: str):
    d, who, on = deps(), require_caller(), request.method == "PUT"
    return jsonify(reactions.on_comment(d.db, who, tid, cid, reaction_type(kind), on, _now(), d.config.reaction_limit))


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
    d, who = deps(), require_caller()
    reason = body(HideInput).reason if request.method == "PUT" else None
    return jsonify(hiding.set_hidden(d.db, who, hiding.Target(tid), reason, _now(), d.config.hide_limit))


@moderation_bp.route("/threads/<id:tid>/comments/<id:cid>/hidden", methods=["PUT", "DELETE"])
def hide_comment(tid: str, cid: str):
    d, who = deps(), require_caller()
    reason = body(HideInput).reason if request.method == "PUT" else None
    return jsonify(hiding.set_hidden(d.db, who, hiding.Target(tid, cid), reason, _now(), d.config.hide_limit))


@moderation_bp.post("/threads/<id:tid>/report")
def report_thread(tid: str):
    d, who, given = deps(), require_caller(), body(ReportInput)
    return jsonify(reports.report(d.db, who, hiding.Target(tid), given.reason, given.note, _now(), d.config)), 202


@moderation_bp.post("/threads/<id:tid>/comments/<id:cid>/report")
def report_comment(tid: str, cid: str):
    d, who, given = deps(), require_caller(), body(ReportInput)
    return jsonify(reports.report(d.db, who, hiding.Target(tid, cid), given.reason, given.note, _now(), d.config)), 202


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
    return jsonify(preview.render_preview(d.db, who, draft.body, _now(), d.config.preview_limit, d.renderer))


# --- pages of other sites (the embed) ------------------------------------------------------


@pages_bp.post("/pages/comments")
def post_page_comment():
    d, who, post = deps(), require_caller(), body(PageCommentInput)
    return jsonify(
        pages.create_comment(
            d.db,
            who,
            site_origin=post.site,
            page_term=post.term,
            page_path=post.path,
            title=post.title,
            body=post.body,
            now=_now(),
            config=d.config,
            renderer=d.renderer,
        )
    ), 201


@pages_bp.get("/pages/counts")
def page_counts():
    d, q = deps(), query(PageCountsQuery)
    return jsonify(pages.counts(d.db, q.site, q.keys, d.config))


@pages_bp.after_request
def page_cors(response: Response) -> Response:
    """count.js runs on the blog: an allowed site may read its counts (GET, no credentials); any origin may read
    a refusal, which says nothing but why, so the loader can show it. The answer depends on the URL alone
    (site), so a CDN may keep it."""
    if request.method == "GET":
        site = request.args.get("site", "")
        if response.status_code < 400 and pages.is_origin(site):
            response.headers["Access-Control-Allow-Origin"] = site
        elif response.status_code >= 400:
            response.headers["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200:
            http.cache_for(pages.COUNTS_CACHE_SECONDS)
    return response


@embed_bp.get("/embed")
def embed_page():
    allowed = deps().config.embed_origins
    http.cache_for(embed.CACHE_SECONDS)
    return Response(embed.PAGE, mimetype="text/html", headers=embed.headers(allowed))


# --- search --------------------------------------------------------------------------------


@search_bp.get("/search")
def search():
    d, who = deps(), optional_caller()
    limits = search_service.Limits(
        d.config.search_limit, d.config.anonymous_search_limit, d.config.anonymous_search_total
    )
    search_service.admit(d.instance_windows, who, http.client_address(), _now(), limits)
    q = query(SearchQuery)
    return jsonify(search_service.search(d.db, who, q=q.q, kind=q.type, sort=q.sort, limit=q.limit, cursor=q.cursor))


# --- meta -----------------------------------------------------------------------------------


@meta_bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


BLUEPRINTS = (
    me_bp,
    users_bp,
    threads_bp,
    comments_bp,
    reactions_bp,
    bookmarks_bp,
    moderation_bp,
    notifications_bp,
    preview_bp,
    search_bp,
    pages_bp,
    meta_bp,
)


def sync_role(dependencies: Deps, who: Caller) -> None:
    """After a checked caller's request succeeded or was refused 403 (http.after_signed_in): their public
    role follows their moderator claim.

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
    app.register_blueprint(embed_bp)
    http.install(app, signed_in_hook=sync_role)
    return app

"""@mentions: found in a post's markdown (never in code or link text), resolved to users with one
batched read when the post is written, and rendered as links to the mentioned profiles."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .. import validation

if TYPE_CHECKING:  # the render workers import this module and never Firestore (sandbox.py)
    from google.cloud import firestore

MAX_MENTIONS = 10
# A handle as users type it: not glued to a word, an address (ada@example.com) or a path, and
# not the start of a longer word. Handles are stored lowercase; @Ada mentions ada.
MENTION_RE = re.compile(r"(?<![\w@/.+-])@([A-Za-z0-9_]{3,30})(?![\w@])")

# Finding candidates parses the markdown exactly as render.py does (same preset), so a handle
# inside a code span, a code block or a link is never a candidate.
_scanner = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})


def _outside_links(children: Iterable[Token]) -> Iterable[tuple[int, Token]]:
    """(index, token) of the text tokens of an inline run that are not inside a link."""
    depth = 0
    for i, token in enumerate(children):
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
        elif token.type == "text" and depth == 0:
            yield i, token


def handles_in(source: str) -> list[str]:
    """The distinct handles mentioned in markdown, in order of first mention, at most MAX_MENTIONS."""
    if "@" not in source:
        return []
    return handles_in_tokens(_scanner.parse(source))


def handles_in_tokens(tokens: list[Token]) -> list[str]:
    """handles_in for markdown already parsed (render.render_post's one parse)."""
    found: list[str] = []
    for block in tokens:
        if block.type != "inline":
            continue
        for _, token in _outside_links(block.children or []):
            for match in MENTION_RE.finditer(token.content):
                handle = match.group(1).lower()
                # A name no handle can have (__abc__, which Firestore reserves) is never looked up.
                if handle not in found and validation.is_handle(handle):
                    found.append(handle)
                    if len(found) == MAX_MENTIONS:
                        return found
    return found


def resolve(db: firestore.Client, source: str) -> dict[str, str]:
    """handle -> uid of the users the markdown mentions, in one batched read of handles/{handle}.

    Unknown handles are left out (they stay plain text). No read at all without a candidate.
    """
    return lookup(db, handles_in(source))


def lookup(db: firestore.Client, handles: list[str]) -> dict[str, str]:
    """handle -> uid of those handles that name a user, in one batched read (none for no handles)."""
    if not handles:
        return {}
    from ..db import store

    found = store.read_all(None, db, [store.handle(db, h) for h in handles])
    known = {}
    for handle in handles:
        snap = found.get(store.handle(db, handle).path)
        data = (snap.to_dict() or {}) if snap is not None and snap.exists else {}
        uid = data.get("uid")
        # A released handle names nobody while it rests: its last owner is no longer @it.
        if isinstance(uid, str) and uid and not data.get("restsUntil"):
            known[handle] = uid
    return known


def mentioned_uids(known: Mapping[str, str]) -> list[str]:
    """The users to notify, in order of first mention, each once (two handles never share a uid, but be sure)."""
    return list(dict.fromkeys(known.values()))


def lifetime(before: Iterable[str] | None, known: Mapping[str, str]) -> list[str]:
    """The users a post has ever mentioned, after an edit to a body mentioning `known`: those it
    mentioned before, then the new ones, at most MAX_MENTIONS over the post's whole life.

    The notification triggers notify whoever is new in this list, so an edit that swaps one set
    of handles for another cannot notify more than MAX_MENTIONS people in all.
    """
    ever = list(dict.fromkeys(before or []))[:MAX_MENTIONS]
    for uid in mentioned_uids(known):
        if len(ever) >= MAX_MENTIONS:
            break
        if uid not in ever:
            ever.append(uid)
    return ever


def stored(snap: firestore.DocumentSnapshot, post: Mapping[str, Any]) -> list[str]:
    """The users a post has mentioned so far: its private mentions document (store.mentions), or
    the public `mentions` list a post written before that document existed still carries."""
    if snap.exists:
        return list((snap.to_dict() or {}).get("uids") or [])
    return list(post.get("mentions") or [])


def record(
    writer: firestore.Transaction | firestore.WriteBatch,
    ref: firestore.DocumentReference,
    snap: firestore.DocumentSnapshot,
    post: Mapping[str, Any],
    known: Mapping[str, str],
) -> dict[str, Any]:
    """An edit's mentions: writes the post's lifetime list (ref, its private document, read as snap)
    when it grew, and answers the post's own changes: `mentionCount`, and no public `mentions` left."""
    from google.cloud import firestore as fs  # not at import: the render workers never load Firestore

    before = stored(snap, post)
    ever = lifetime(before, known)
    if ever != before or (ever and not snap.exists):
        writer.set(ref, {"uids": ever})
    changes: dict[str, Any] = {"mentionCount": len(ever)}
    if "mentions" in post:  # written before the list moved off the public post
        changes["mentions"] = fs.DELETE_FIELD
    return changes


def profile_href(uid: str) -> str:
    """A mention's link: the profile by uid, so it keeps pointing at the same person after they change
    their handle, and never at whoever takes the handle later."""
    return f"/u/id/{quote(uid, safe='')}"


def _split(token: Token, known: Mapping[str, Any]) -> list[Token] | None:
    """The text token with each known @handle turned into a link; None when it mentions nobody known."""
    text, out, last = token.content, [], 0
    for match in MENTION_RE.finditer(text):
        handle = match.group(1).lower()
        if handle not in known:
            continue
        if match.start() > last:
            plain = Token("text", "", 0)
            plain.content = text[last : match.start()]
            out.append(plain)
        link = Token("link_open", "a", 1)
        link.attrs = {"href": profile_href(str(known[handle])), "class": "mention"}
        label = Token("text", "", 0)
        label.content = match.group(0)
        out += [link, label, Token("link_close", "a", -1)]
        last = match.end()
    if not out:
        return None
    if last < len(text):
        rest = Token("text", "", 0)
        rest.content = text[last:]
        out.append(rest)
    for t in out:
        t.level = token.level
    return out


def link_rule(state: StateCore) -> None:
    """markdown-it core rule: link the @handles named in env["mentions"] (handle -> uid)."""
    link_tokens(state.tokens, (state.env or {}).get("mentions") or {})


def link_tokens(tokens: list[Token], known: Mapping[str, Any]) -> None:
    """Turn each known @handle in the text of parsed markdown into a link to its profile, in place."""
    if not known:
        return
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        for i, token in reversed(list(_outside_links(children))):
            replacement = _split(token, known)
            if replacement is not None:
                children[i : i + 1] = replacement


def plugin(md: MarkdownIt) -> None:
    """Install link_rule after text_join, when every text run is one token."""
    md.core.ruler.push("mentions", link_rule)

import { h, timeEl, plural } from "../dom.js";
import { api } from "../api.js";
import { session, setProfile } from "../session.js";
import { field, submitting, signInHref, announce, errorBlock, loading, safeNext, avatar } from "../ui.js";
import { threadItem, pagedList } from "./threadItem.js";
import { isModerator, suspensionNotice } from "./moderation.js";
import { isBlocked, loadBlocks, setBlocked } from "../blocks.js";
import { LIMITS } from "../limits.js";
import { DAYS_MAX } from "../messages.js";

/** /u/{handle}, or /u/id/{uid} (byId) where posts link: the same profile. */
export async function profileView({ main, match, params, byId = false }) {
  const key = byId ? safeDecode(match[0]) : match[0];
  const tab = params.get("tab") === "comments" ? "comments" : "threads";
  const status = loading("Loading profile…");
  main.append(status);
  let user;
  try {
    [user] = await Promise.all([byId ? api.userById(key) : api.user(key), loadBlocks()]);
  } catch (error) {
    const nobody = byId ? "This member is not here any more." : `Nobody goes by @${key} here.`;
    status.replaceWith(error.status === 404 ? h("div", h("h1", "No such member"), h("p", nobody)) : errorBlock(error, () => location.reload()));
    return;
  }
  const own = session.profile && session.profile.uid === user.uid;
  // The tabs stay on the address the reader came by (a uid link stays a uid link).
  const base = location.pathname;
  const tabLink = (name, href, label) => h("li", h("a", { href, "aria-current": tab === name ? "page" : null }, label));
  status.replaceWith(
    h("section.profile.card",
      h("div.profile-head", avatar(user, "large"),
        h("div",
          h("h1", user.displayName),
          h("p.handle", `@${user.handle}`, user.role === "moderator" ? h("span.badge", "Moderator") : null))),
      user.suspension ? suspensionNotice(user.suspension) : null,
      user.bio ? h("p.bio", user.bio) : null,
      h("p.meta", "Joined ", timeEl(user.createdAt)),
      own ? h("a.button", { href: "/settings" }, "Edit profile") : null,
      session.user && !own ? blockButton(user) : null,
      isModerator() && !own ? suspendControls(user) : null),
    h("nav.tabs-nav", { "aria-label": `@${user.handle}'s posts` },
      h("ul.sort-tabs",
        tabLink("threads", base, plural(user.threadCount, "thread")),
        tabLink("comments", `${base}?tab=comments`, plural(user.commentCount, "comment")))));
  const list = tab === "comments"
    ? pagedList({
      label: `Comments by @${user.handle}`,
      emptyMessage: `@${user.handle} has not commented yet.`,
      fetchPage: (cursor) => api.userComments(user.handle, cursor),
      renderItem: commentItem,
      listTag: "ul.thread-list.comment-items",
    })
    : pagedList({
      label: `Threads by @${user.handle}`,
      emptyMessage: `@${user.handle} has not started a thread yet.`,
      fetchPage: (cursor) => api.userThreads(user.handle, cursor),
      renderItem: threadItem,
    });
  main.append(list);
  await list.ready;
}

/** One of someone's comments: where it was posted (linking to the comment itself), when, an excerpt. */
function commentItem(comment) {
  const title = comment.thread.title ?? "a deleted thread";
  return h("li.thread-item.comment-item",
    h("article", { "aria-label": `Comment on ${title}` },
      h("p.meta", comment.depth > 1 ? "Replied " : "Commented ", timeEl(comment.createdAt),
        comment.editedAt ? h("span.edited", " · edited") : null, " on"),
      h("h2", h("a.thread-link", { href: `/t/${comment.threadId}#c-${comment.id}` }, title)),
      comment.excerpt ? h("p.excerpt", comment.excerpt) : null));
}

export async function settingsView({ main, params, navigate }) {
  const welcome = params.get("welcome") === "1";
  main.append(h("h1", welcome ? "Choose your handle" : "Settings"));
  if (!welcome) main.append(h("h2", "Your profile"));
  if (!session.user) {
    main.append(h("p", h("a", { href: signInHref() }, "Sign in"), " to edit your profile."));
    return;
  }
  let me = session.profile;
  if (!me) {
    try {
      me = await api.me();
    } catch (error) {
      main.append(errorBlock(error, () => navigate(location.pathname + location.search, { replace: true })));
      return;
    }
  }
  if (welcome) main.append(h("p", "Others will see you by this handle and name. You can change them later."));
  const handle = h("input", { id: "handle", name: "handle", required: true, value: me.handle, pattern: "[a-z0-9_]{3,30}", autocomplete: "username", spellcheck: "false" });
  const displayName = h("input", { id: "displayName", name: "displayName", required: true, maxlength: LIMITS.displayName, value: me.displayName, autocomplete: "name" });
  const bio = h("textarea", { id: "bio", name: "bio", rows: 4, maxlength: LIMITS.bio });
  bio.value = me.bio || "";
  const form = h("form.card", { novalidate: true },
    field("Handle", handle, "3-30 characters: lowercase letters, digits and '_'."),
    field("Display name", displayName),
    field("Bio", bio, `Up to ${LIMITS.bio} characters.`),
    h("div.form-actions", h("button.button.primary", { type: "submit" }, "Save profile")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const saved = await api.updateMe({ handle: handle.value.trim(), displayName: displayName.value, bio: bio.value });
      setProfile(saved);
      const next = params.get("next");
      navigate(welcome && next ? safeNext(next) : `/u/${saved.handle}`);
      announce("Profile saved.");
    }, { fields: { handle, displayName, bio } });
  });
  main.append(form);
  if (welcome) handle.focus();
  if (!welcome) {
    const { preferenceSections } = await import("./settings.js");
    main.append(...preferenceSections());
  }
}

/** Block or unblock a member (their posts collapse for the reader; they cannot notify the reader). */
function blockButton(user) {
  const button = h("button.button.block", { type: "button", "aria-pressed": String(isBlocked(user.uid)) });
  const draw = () => { button.textContent = isBlocked(user.uid) ? "Unblock" : "Block"; button.setAttribute("aria-pressed", String(isBlocked(user.uid))); };
  draw();
  button.addEventListener("click", async () => {
    const on = !isBlocked(user.uid);
    button.disabled = true;
    try {
      await api.block(user.handle, on);
      setBlocked(user.uid, on);
      announce(on ? `@${user.handle} is blocked: their posts are collapsed and they cannot notify you.` : `@${user.handle} is unblocked.`);
    } catch (error) {
      announce(`Not changed: ${error.message}`);
    } finally {
      button.disabled = false;
      draw();
    }
  });
  return button;
}

/** Moderators suspend a member until a date, with a reason, or lift a suspension. */
function suspendControls(user) {
  const box = h("div.suspend-controls");
  if (user.suspension) {
    const lift = h("button.button", { type: "button" }, "Lift suspension");
    lift.addEventListener("click", async () => {
      lift.disabled = true;
      try {
        await api.unsuspend(user.handle);
        announce(`@${user.handle} may post again.`);
        location.reload();
      } catch (error) {
        lift.disabled = false;
        announce(error.message);
      }
    });
    box.append(lift);
    return box;
  }
  const reason = h("input", { id: "suspend-reason", name: "reason", required: true, maxlength: LIMITS.reason });
  const days = h("input", { id: "suspend-days", name: "until", type: "number", min: 1, max: DAYS_MAX, value: 7 });
  const form = h("form.suspend", { novalidate: true, "aria-label": "Suspend this member" },
    field("Reason for the suspension", reason), field("Days", days),
    h("div.form-actions", h("button.button.danger", { type: "submit" }, "Suspend")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const until = new Date(Date.now() + Number(days.value || 0) * 86_400_000).toISOString();
      await api.suspend(user.handle, reason.value, until);
      announce(`@${user.handle} is suspended.`);
      location.reload();
    }, { fields: { reason, until: days } });
  });
  box.append(h("details", h("summary", "Suspend…"), form));
  return box;
}

/** A path segment as it was encoded; a malformed one stays as it is (and then names nobody: a 404). */
function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// A thread page: the post, its reactions and bookmark, the comment tree, and a cheap watch for
// new comments (conditional GETs of the thread; 304 while nothing changed).
import { h, setSanitizedHtml, timeEl, plural } from "../dom.js";
import { api } from "../api.js";
import { LIMITS } from "../limits.js";
import { articleLink } from "./threadItem.js";
import { authorLink, reactionBar, requireSignIn, tagList, announce, errorBlock, loading, field, submitting, actionMenu } from "../ui.js";
import { markdownEditor } from "../markdown.js";
import { session } from "../session.js";
import { parseTags } from "../messages.js";
import { commentSection } from "./comments.js";
import { hiddenBanner, hideAction, isModerator, isSuspended, reportAction } from "./moderation.js";
import { bringIntoView } from "../embedded.js";
import { blockedFold, isBlocked, loadBlocks } from "../blocks.js";
import { editedMarker } from "../history.js";

/** A thread page; with `page` (the embed), the comment section of that page's thread, no post above it. */
export async function threadView({ main, match, params, configReady, navigate, page = null }) {
  const [tid] = match;
  const status = loading("Loading thread…");
  main.append(status);
  // The thread and its first page of comments are fetched together.
  const firstComments = api.comments(tid, { sort: "top" });
  firstComments.catch(() => {});
  const blocks = loadBlocks();  // whose posts to draw collapsed, fetched beside the thread
  let thread;
  try {
    thread = (await api.threadIfChanged(tid)).data;
  } catch (error) {
    if (page && error.status === 404) {
      status.replaceWith(firstCommentSection(tid, page, navigate));
      return undefined;
    }
    status.replaceWith(error.status === 404
      ? h("div", h("h1", "Thread not found"), h("p", "It may have been removed. ", h("a", { href: "/" }, "Back to the discussions")))
      : h("div", h("h1", "Could not load the thread"), errorBlock(error, () => navigate(location.pathname, { replace: true }))));
    return;
  }
  const deleted = thread.status === "deleted";
  const hidden = thread.status === "hidden";
  let known = thread.commentCount;

  const bookmark = h("button.button.bookmark", { type: "button", "aria-pressed": String(!!thread.bookmarked) });
  const drawBookmark = (on) => {
    bookmark.setAttribute("aria-pressed", String(on));
    bookmark.textContent = on ? "Bookmarked" : "Bookmark";
  };
  drawBookmark(!!thread.bookmarked);
  bookmark.addEventListener("click", async () => {
    if (!requireSignIn("bookmark threads")) return;
    const on = bookmark.getAttribute("aria-pressed") !== "true";
    drawBookmark(on);
    try {
      await api.bookmark(tid, on);
      announce(on ? "Saved to your bookmarks." : "Removed from your bookmarks.");
    } catch (error) {
      drawBookmark(!on);
      announce(`Bookmark not saved: ${error.message}`);
    }
  });

  // Muting stops notifications from this thread (replies, comments, mentions) until unmuted.
  const mute = h("button.button.mute", { type: "button", "aria-pressed": String(!!thread.muted) });
  const drawMute = (on) => {
    mute.setAttribute("aria-pressed", String(on));
    mute.textContent = on ? "Muted" : "Mute";
    mute.title = on ? "You get no notifications from this thread. Select to unmute." : "Stop notifications from this thread";
  };
  drawMute(!!thread.muted);
  mute.addEventListener("click", async () => {
    if (!requireSignIn("mute threads")) return;
    const on = mute.getAttribute("aria-pressed") !== "true";
    drawMute(on);
    try {
      await api.mute(tid, on);
      announce(on ? "Muted: no more notifications from this thread." : "Unmuted: you will hear about this thread again.");
    } catch (error) {
      drawMute(!on);
      announce(`Not changed: ${error.message}`);
    }
  });

  await blocks;
  let body = setSanitizedHtml(h("div.thread-body.markdown"), thread.bodyHtml);
  if (!deleted && isBlocked(thread.author?.uid)) {
    const shown = body;
    body = blockedFold("Thread", () => { body.replaceWith(shown); });
  }
  const edited = thread.editedAt && !deleted && (!hidden || thread.bodyHtml) ? editedMarker(() => api.history(tid), "thread") : null;
  const notice = h("div.new-comments", { "aria-live": "polite" });
  const comments = commentSection({
    thread,
    firstPage: firstComments,
    onCountChange: (delta) => {
      known += delta;
      thread.commentCount += delta;
      comments.setHeading(thread.commentCount);
    },
  });

  const me = session.profile;
  const mayChange = !deleted && !hidden && me && thread.author && (me.uid === thread.author.uid || me.role === "moderator");
  const suspended = isSuspended();
  if (suspended) mute.disabled = true;  // a suspended member may not mute (the API says 403) either
  // One row: the reactions and the reader's toggles as buttons; everything else in the "⋯" menu.
  const footer = h("footer.thread-actions");
  const row = () => footer;
  const menu = actionMenu([
    ...(mayChange ? [
      { label: "Edit thread", onSelect: () => editThread(article, thread, navigate) },
      { label: "Delete thread", danger: true, onSelect: ({ anchor }) => confirmDeleteThread(anchor, footer, thread, navigate) }] : []),
    ...moderatorTools(thread, navigate, row),
  ], { label: "More actions on this thread" });
  if (!deleted && !hidden) {
    footer.append(
      reactionBar({
        label: "Reactions to this thread",
        counts: thread.reactionCounts,
        mine: thread.myReactions,
        toggle: (kind, on) => api.react(tid, kind, on),
        disabled: suspended ? "Your account is suspended: you cannot react." : null,
      }),
      h("div.thread-buttons", session.user ? mute : null, bookmark, menu));
  } else if (hidden && menu) {
    footer.append(h("div.thread-buttons", menu));
  }
  const article = h("article.thread.card", { "aria-labelledby": "thread-title" },
      h("header",
        h("p.meta", thread.page ? articleLink(thread.page) : authorLink(thread.author), " · ", timeEl(thread.createdAt), edited ? [" · ", edited.button] : null,
          thread.locked ? h("span.badge", "Locked") : null, thread.pinned ? h("span.badge", "Pinned") : null),
        h("h1", { id: "thread-title" }, thread.title),
        tagList(thread.tags), edited?.panel),
      deleted ? h("p.tombstone", "This thread was deleted.") : hidden ? h("div", hiddenBanner(thread.hidden), body) : body,
      footer.childElementCount ? footer : null);
  // Embedded under an article, the article is the post: the section shows only what acts on the thread.
  let tools = null;
  if (page) {
    const embedMenu = actionMenu(moderatorTools(thread, navigate, () => tools), { label: "More actions on this thread" });
    tools = h("div.embed-tools", session.user && !deleted && !hidden ? mute : null, embedMenu);
  }
  status.replaceWith(
    page ? tools : article,
    notice,
    comments,
  );

  // Watch for new comments while the page is visible.
  const showNotice = (count) => {
    const n = count - known;
    if (n <= 0) { notice.replaceChildren(); return; }
    const button = h("button.button.primary", { type: "button" }, `Show ${plural(n, "new comment")}`);
    button.addEventListener("click", async () => {
      notice.replaceChildren();
      known = count;
      thread.commentCount = count;
      comments.setHeading(count);
      await comments.reload();
      document.getElementById("comments-heading")?.focus();
    });
    notice.replaceChildren(h("p", `${plural(n, "new comment")} since you opened this thread. `, button));
  };
  let timer = null;
  let stopped = false;
  let busy = false;
  const poll = async () => {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    try {
      const { data, notModified } = await api.threadIfChanged(tid);
      if (!notModified) showNotice(data.commentCount);
    } catch {
      // A failed poll is retried on the next tick; the reader is not interrupted.
    } finally {
      busy = false;
    }
  };
  const onVisible = () => { if (document.visibilityState === "visible") poll(); };
  configReady.then((config) => {
    if (!stopped) timer = setInterval(poll, config.pollMs || 15000);
  });
  document.addEventListener("visibilitychange", onVisible);
  document.getElementById("comments-heading")?.setAttribute("tabindex", "-1");
  // A link to a comment (#c-…) brings it into view highlighted, on arrival and on in-page links.
  const onHash = async () => {
    const id = decodeURIComponent(location.hash.slice(1));
    for (const n of document.querySelectorAll(".comment.highlight")) n.classList.remove("highlight");
    if (id === "comments") { document.getElementById(id)?.scrollIntoView(); return; }
    if (!/^c-[A-Za-z0-9_-]{1,64}$/.test(id)) return;
    // A notification's link names the comment's root (?root=), which saves a request.
    const target = document.getElementById(id) || await comments.reveal(id.slice(2), params.get("root"));
    if (!target || `#${id}` !== decodeURIComponent(location.hash)) {
      if (!target) announce("That comment is no longer here: it may have been deleted.");
      return;
    }
    target.classList.add("highlight");
    const article = target.querySelector(":scope > article");
    article.setAttribute("tabindex", "-1");
    article.focus({ preventScroll: true });
    bringIntoView(target);
  };
  // After the page shell has focused the heading, so the linked comment keeps the focus.
  if (location.hash) comments.ready.then(() => setTimeout(onHash, 0));
  window.addEventListener("hashchange", onHash);
  await comments.ready;
  return () => {
    stopped = true;
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisible);
    window.removeEventListener("hashchange", onHash);
    comments.cleanup();
  };
}

/** A page nobody has commented on yet: no thread exists; the first comment creates it, then the view is drawn again. */
function firstCommentSection(tid, page, navigate) {
  const placeholder = { id: tid, commentCount: 0, locked: false, author: null, status: "visible" };
  return commentSection({
    thread: placeholder,
    firstPage: Promise.resolve({ items: [], nextCursor: null }),
    onCountChange: () => {},
    createRoot: async (body) => {
      const created = await api.createPageComment(page, body);
      navigate(location.pathname + location.search, { replace: true });
      return created;
    },
  });
}

function editThread(article, thread, navigate) {
  const title = h("input", { id: "title", name: "title", required: true, maxlength: LIMITS.title, value: thread.title });
  const body = markdownEditor({ name: "body", id: "body", label: "Body", rows: 10, value: thread.body });
  const tags = h("input", { id: "tags", name: "tags", value: thread.tags.join(" "), autocomplete: "off" });
  const form = h("form.compose", { novalidate: true },
    h("h1", { id: "thread-title" }, "Edit thread"),
    field("Title", title), body, field("Tags", tags, "Up to 4, separated by spaces."),
    h("div.form-actions", h("button.button.primary", { type: "submit" }, "Save changes"),
      h("button.button.subtle", { type: "button", onclick: () => navigate(location.pathname, { replace: true }) }, "Cancel")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      await api.editThread(thread.id, { title: title.value, body: body.textarea.value, tags: parseTags(tags.value) });
      navigate(location.pathname, { replace: true });
      announce("Thread updated.");
    }, { fields: { title, body: body.textarea, tags } });
  });
  article.replaceChildren(form);
  title.focus();
}

function confirmDeleteThread(button, footer, thread, navigate) {
  const yes = h("button.button.danger", { type: "button" }, "Delete");
  const no = h("button.button.subtle", { type: "button" }, "Keep it");
  const box = h("div.confirm", { role: "group", "aria-label": "Confirm delete" }, h("span", "Delete this thread? Its comments stay readable. "), yes, no);
  no.addEventListener("click", () => { box.remove(); button.focus(); });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    try {
      await api.deleteThread(thread.id);
      navigate("/", { replace: true });
      announce("Thread deleted.");
    } catch (error) {
      yes.disabled = false;
      box.append(h("p.form-error", { role: "alert" }, error.message));
    }
  });
  if (footer.nextElementSibling?.classList.contains("confirm")) footer.nextElementSibling.remove();
  footer.after(box);
  yes.focus();
}

/** Menu items: Report for readers; lock, pin, hide and restore for moderators. Each reloads the page when done. */
function moderatorTools(thread, navigate, row) {
  const me = session.profile;
  const item = { tid: thread.id };
  const reload = () => navigate(location.pathname, { replace: true });
  const tools = [];
  if (thread.status === "visible" && session.user && !(me && thread.author && me.uid === thread.author.uid)) {
    tools.push(reportAction(item, "thread", row));
  }
  if (!isModerator() || thread.status === "deleted") return tools;
  const call = (label, done, work) => ({
    label,
    onSelect: async ({ anchor }) => {
      anchor.disabled = true;
      try {
        await work();
        announce(`Thread ${done}.`);
        reload();
      } catch (error) {
        anchor.disabled = false;
        announce(error.message);
      }
    },
  });
  const flag = (name, on, label, done) => call(label, done, () => api.editThread(thread.id, { [name]: on }));
  if (thread.status === "hidden") {
    tools.push(call("Restore", "visible again", () => api.restore(item)));
    return tools;
  }
  tools.push(
    thread.locked ? flag("locked", false, "Unlock", "unlocked") : flag("locked", true, "Lock", "locked"),
    thread.pinned ? flag("pinned", false, "Unpin", "unpinned") : flag("pinned", true, "Pin", "pinned"),
    hideAction(item, "thread", row, reload));
  return tools;
}

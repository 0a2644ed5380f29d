// A thread page: the post, its reactions and bookmark, the comment tree, and a cheap watch for
// new comments (conditional GETs of the thread; 304 while nothing changed).
import { h, setSanitizedHtml, timeEl, plural } from "../dom.js";
import { api } from "../api.js";
import { authorLink, reactionBar, requireSignIn, tagList, announce, errorBlock, loading } from "../ui.js";
import { commentSection } from "./comments.js";

export async function threadView({ main, match, configReady, navigate }) {
  const [tid] = match;
  const status = loading("Loading thread…");
  main.append(status);
  // The thread and its first page of comments are fetched together.
  const firstComments = api.comments(tid, { sort: "top" });
  firstComments.catch(() => {});
  let thread;
  try {
    thread = (await api.threadIfChanged(tid)).data;
  } catch (error) {
    status.replaceWith(error.status === 404
      ? h("div", h("h1", "Thread not found"), h("p", "It may have been removed. ", h("a", { href: "/" }, "Back to the discussions")))
      : h("div", h("h1", "Could not load the thread"), errorBlock(error, () => navigate(location.pathname, { replace: true }))));
    return;
  }
  const deleted = thread.status === "deleted";
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

  const body = setSanitizedHtml(h("div.thread-body.markdown"), thread.bodyHtml);
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

  status.replaceWith(
    h("article.thread.card", { "aria-labelledby": "thread-title" },
      h("header",
        h("p.meta", authorLink(thread.author), " · ", timeEl(thread.createdAt), thread.editedAt ? h("span.edited", " · edited") : null,
          thread.locked ? h("span.badge", "Locked") : null),
        h("h1", { id: "thread-title" }, thread.title),
        tagList(thread.tags)),
      deleted ? h("p.tombstone", "This thread was deleted.") : body,
      deleted ? null : h("footer.thread-actions",
        reactionBar({
          label: "Reactions to this thread",
          counts: thread.reactionCounts,
          mine: thread.myReactions,
          toggle: (kind, on) => api.react(tid, kind, on),
        }),
        bookmark)),
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
  if (location.hash.startsWith("#c-") || location.hash === "#comments") {
    comments.ready.then(() => document.getElementById(location.hash.slice(1))?.scrollIntoView());
  }
  await comments.ready;
  return () => {
    stopped = true;
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}

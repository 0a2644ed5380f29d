import { h, timeEl, plural } from "../dom.js";
import { authorLink, tagList, icon, loading, empty, errorBlock } from "../ui.js";
import { blockedFold, isBlocked } from "../blocks.js";

export function reactionTotal(counts) {
  return Object.values(counts || {}).reduce((a, b) => a + b, 0);
}

/** A page thread's mark in the lists: the discussion of an article on another site, linked. */
export function articleLink(page) {
  let where = page.url;
  try {
    const url = new URL(page.url);
    where = url.host + url.pathname;
  } catch {
    // shown as stored
  }
  return h("span.article", h("span.badge", "Article discussion"), " ", h("a", { href: page.url, rel: "nofollow ugc noopener", target: "_blank" }, where));
}

/** One thread in a list: title, author, time, tags, reaction and comment counts. */
export function threadItem(thread, { unfolded = false } = {}) {
  if (!unfolded && isBlocked(thread.author?.uid)) {
    const li = h("li.thread-item.blocked", blockedFold("Thread", () => {
      const shown = threadItem(thread, { unfolded: true });
      li.replaceWith(shown);
      shown.querySelector("h2 a")?.focus();
    }));
    return li;
  }
  const reactions = reactionTotal(thread.reactionCounts);
  return h("li.thread-item",
    h("article", { "aria-labelledby": `title-${thread.id}` },
      h("p.meta", thread.page ? articleLink(thread.page) : authorLink(thread.author), " · ", timeEl(thread.createdAt),
        thread.pinned ? h("span.badge", "Pinned") : null),
      h("h2", { id: `title-${thread.id}` }, h("a", { href: `/t/${thread.id}` }, thread.title)),
      thread.excerpt ? h("p.excerpt", thread.excerpt) : null,  // plain text from the API
      tagList(thread.tags),
      h("p.counts",
        h("span", icon("heart"), plural(reactions, "reaction")),
        h("a", { href: `/t/${thread.id}#comments` }, icon("comment"), plural(thread.commentCount, "comment")))));
}

/**
 * A paged list: loads pages with fetchPage(cursor) → {items, nextCursor}, draws each with
 * renderItem, and offers "Load more" while there is a next cursor.
 */
export function pagedList({ fetchPage, renderItem, emptyMessage, label, listTag = "ul.thread-list", loadingMessage = "Loading…" }) {
  const list = h(listTag, { "aria-label": label });
  const status = h("div.list-status", { "aria-live": "polite" });
  const more = h("button.button.load-more", { type: "button", hidden: true }, "Load more");
  const wrap = h("section.paged", list, status, more);
  let cursor = null;
  const load = async () => {
    more.hidden = true;
    status.replaceChildren(loading(loadingMessage));
    try {
      const page = await fetchPage(cursor);
      status.replaceChildren();
      page.items.forEach((item) => list.append(renderItem(item)));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!list.childElementCount) status.replaceChildren(empty(emptyMessage));
    } catch (error) {
      status.replaceChildren(errorBlock(error, load));
    }
  };
  more.addEventListener("click", load);
  wrap.ready = load();
  return wrap;
}

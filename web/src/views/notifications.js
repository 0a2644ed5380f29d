// The notifications page: replies, comments on one's threads and @mentions, newest first, each a
// link to the thread at the comment; opening one marks it read, and so does "Mark all as read".
import { h, append, timeEl, withDates } from "../dom.js";
import { api } from "../api.js";
import { session } from "../session.js";
import { signInHref, announce, profileHref } from "../ui.js";
import { setUnread } from "../bell.js";
import { pagedList } from "./threadItem.js";

const WHAT = {
  reply: "replied to your comment on",
  comment: "commented on your thread",
  mention: "mentioned you in",
};

/** Where a notification leads: the thread, at the comment (highlighted there), with its root to find it. */
export function notificationHref(item) {
  // A comment under an article on another site (the embed): back to the article, at the comment.
  if (item.url && /^https?:\/\//.test(item.url)) return item.url;
  const base = `/t/${encodeURIComponent(item.threadId)}`;
  if (!item.commentId) return base;
  const root = item.rootId && item.rootId !== item.commentId ? `?root=${encodeURIComponent(item.rootId)}` : "";
  return `${base}${root}#c-${encodeURIComponent(item.commentId)}`;
}

/** Who did it: one name, or for a run of comments "Grace and 11 others" (count is the run's comments). */
export function actorsLabel(item) {
  const actor = item.actor?.displayName || item.actor?.handle || "Someone";
  const others = (item.count || 1) - 1;
  return others > 0 ? `${actor} and ${others} ${others === 1 ? "other" : "others"}` : actor;
}

function notificationItem(item) {
  const actor = actorsLabel(item);
  const li = h(`li.notification${item.read ? "" : ".unread"}`, { dataset: { id: item.id } });
  // A moderation notice says what happened in its own words ("Moderators hid your comment in …: spam").
  const moderation = item.kind === "moderation";
  const href = moderation && !item.threadId ? profileHref(session.profile || { handle: "" }) : notificationHref(item);
  // One span inside the link: on a phone links are flex boxes (44 px targets), and each piece of
  // the sentence would otherwise be a column of its own.
  const grouped = (item.count || 1) > 1;
  const link = moderation
    ? h("a.notification-link", { href }, h("span", h("strong", actor), " ", withDates(item.excerpt || "")))
    : h("a.notification-link", { href }, h("span",
      h("strong", actor), ` ${WHAT[item.kind] || "wrote in"} `, h("span.thread-title", item.threadTitle || "a thread"),
      grouped ? h("span.group-count", ` · ${item.count} comments`) : null));
  link.addEventListener("click", () => {
    if (li.classList.contains("unread")) {
      li.classList.remove("unread");
      // Fire and forget: the thread opens at once; the count follows from the answer.
      api.markNotificationsRead([item.id]).then(({ unread }) => setUnread(unread)).catch(() => {});
    }
  });
  // append() leaves out the parts a notification does not have (Element.append would write "null").
  append(li, [
    h("p.notification-head", item.read ? null : h("span.new-badge", "New"), link),
    item.excerpt && !moderation ? h("p.excerpt", item.excerpt) : null,  // plain text from the API
    h("p.meta", grouped ? ["began ", timeEl(item.createdAt), " · latest ", timeEl(item.latestAt)] : timeEl(item.createdAt))]);
  return li;
}

export async function notificationsView({ main }) {
  main.append(h("h1", "Notifications"));
  if (!session.user) {
    main.append(h("p", h("a", { href: signInHref() }, "Sign in"), " to see replies and mentions."));
    return;
  }
  const markAll = h("button.button", { type: "button" }, "Mark all as read");
  const list = pagedList({
    label: "Notifications",
    listTag: "ul.notification-list",
    emptyMessage: "Nothing yet. Replies to you, comments on your threads and @mentions show up here.",
    fetchPage: async (cursor) => {
      const page = await api.notifications(cursor);
      setUnread(page.unread);
      markAll.disabled = page.unread === 0;
      return page;
    },
    renderItem: notificationItem,
  });
  markAll.addEventListener("click", async () => {
    markAll.disabled = true;
    try {
      const { unread } = await api.markNotificationsRead();
      setUnread(unread);
      list.querySelectorAll(".notification.unread").forEach((li) => li.classList.remove("unread"));
      list.querySelectorAll(".new-badge").forEach((badge) => badge.remove());
      announce("All notifications marked as read.");
    } catch (error) {
      markAll.disabled = false;
      announce(`Could not mark them read: ${error.message}`);
    }
  });
  main.append(h("div.page-actions", markAll), list);
  await list.ready;
}

import { h } from "../dom.js";
import { api } from "../api.js";
import { session } from "../session.js";
import { signInHref } from "../ui.js";
import { threadItem, pagedList } from "./threadItem.js";

export async function bookmarksView({ main }) {
  main.append(h("h1", "Your bookmarks"));
  if (!session.user) {
    main.append(h("p", "Bookmarks are your private reading list. ", h("a", { href: signInHref() }, "Sign in"), " to see yours."));
    return;
  }
  const list = pagedList({
    label: "Bookmarked threads",
    emptyMessage: "Nothing bookmarked yet. Use “Bookmark” on a thread to keep it here.",
    fetchPage: (cursor) => api.bookmarks(cursor),
    renderItem: threadItem,
  });
  main.append(list);
  await list.ready;
}

// The search results page: /search?q=&type=threads|comments&sort=new|top. Matched words come from the
// API as segments ({text, match}); they are drawn as text nodes and <mark> elements, never as HTML.
import { h, timeEl, plural } from "../dom.js";
import { api } from "../api.js";
import { authorLink, tagList } from "../ui.js";
import { pagedList } from "./threadItem.js";
import { LIMITS } from "../limits.js";

const TYPES = [["threads", "Threads"], ["comments", "Comments"]];
const SORTS = [["new", "Newest"], ["top", "Top"]];

/** Segments of text with the matched words in <mark>. */
export function markedText(segments) {
  return (segments || []).map((s) => (s.match ? h("mark", s.text) : s.text));
}

function searchHref(q, type, sort) {
  const p = new URLSearchParams({ q });
  if (type !== "threads") p.set("type", type);
  if (sort !== "new") p.set("sort", sort);
  return `/search?${p}`;
}

function threadResult(item) {
  return h("li.thread-item.search-result",
    h("article", { "aria-labelledby": `title-${item.id}` },
      h("p.meta", authorLink(item.author), " · ", timeEl(item.createdAt), item.status === "hidden" ? h("span.badge", "Hidden") : null),
      h("h2", { id: `title-${item.id}` }, h("a", { href: `/t/${item.id}` }, markedText(item.titleMarked))),
      item.snippet.length ? h("p.excerpt.snippet", markedText(item.snippet)) : null,
      tagList(item.tags),
      h("p.counts", h("span", plural(item.commentCount, "comment")))));
}

function commentResult(item) {
  // The link opens the thread at the comment, highlighted; ?root= saves the page a lookup.
  const root = item.rootId ? `?${new URLSearchParams({ root: item.rootId })}` : "";
  const href = `/t/${item.threadId}${root}#c-${item.id}`;
  return h("li.thread-item.search-result",
    h("article", { "aria-labelledby": `result-${item.id}` },
      h("p.meta", authorLink(item.author), " · ", timeEl(item.createdAt), item.status === "hidden" ? h("span.badge", "Hidden") : null),
      h("h2.result-title", { id: `result-${item.id}` }, h("a", { href }, "Comment in “", item.thread.title, "”")),
      h("p.excerpt.snippet", markedText(item.snippet))));
}

export async function searchView({ main, params, navigate }) {
  const q = (params.get("q") || "").trim();
  const type = TYPES.some(([t]) => t === params.get("type")) ? params.get("type") : "threads";
  const sort = SORTS.some(([s]) => s === params.get("sort")) ? params.get("sort") : "new";
  const input = h("input", { id: "search-q", name: "q", type: "search", value: q, maxlength: LIMITS.q, autocomplete: "off",
    "aria-describedby": "search-help", placeholder: "Words, \"a phrase\", -without, @handle, #tag" });
  const form = h("form.search-form", { role: "search", onsubmit: (e) => {
    e.preventDefault();
    const next = input.value.trim();
    if (next) navigate(searchHref(next, type, sort));
  } },
  h("label", { for: "search-q" }, "Search for"), h("div.search-row", input, h("button.button.primary", { type: "submit" }, "Search")),
  h("p.hint", { id: "search-help" }, "Every word must appear. \"Quotes\" for an exact phrase, -word to leave a word out."));
  main.append(h("div.page-head", h("h1", q ? `Search: ${q}` : "Search")), form);
  if (!q) {
    // After the page shell has focused the heading: an empty search page is for typing.
    setTimeout(() => input.focus(), 0);
    return;
  }
  main.append(
    h("nav.tabs-nav", { "aria-label": "What to search" },
      h("ul.sort-tabs", TYPES.map(([t, label]) => h("li", h("a", { href: searchHref(q, t, sort), "aria-current": t === type ? "page" : null }, label))))),
    h("nav.tabs-nav", { "aria-label": "Order" },
      h("ul.sort-tabs.search-sorts", SORTS.map(([s, label]) => h("li", h("a", { href: searchHref(q, type, s), "aria-current": s === sort ? "page" : null }, label))))));
  const other = type === "threads" ? "comments" : "threads";
  const list = pagedList({
    label: type === "threads" ? "Threads found" : "Comments found",
    emptyMessage: `No ${type} hold every word of “${q}”. Try removing a word, or look in ${other}.`,
    loadingMessage: "Searching…",
    fetchPage: (cursor) => searchPage({ q, type, sort }, cursor),
    renderItem: type === "threads" ? threadResult : commentResult,
  });
  main.append(list);
  await list.ready;
}

/** A page of results; an empty page that says more may follow is followed at once (the API reads a
 * bounded number of posts a page, so a page of rare matches can come back empty), a few times at most. */
async function searchPage(params, cursor) {
  try {
    let page = await api.search({ ...params, cursor });
    for (let tries = 0; !page.items.length && page.nextCursor && tries < 4; tries++) {
      page = await api.search({ ...params, cursor: page.nextCursor });
    }
    return page;
  } catch (error) {
    // A query the API cannot search says why in a sentence ("every word … is too common"): show it.
    if (error.status === 422 && error.field === "q" && error.apiMessage) error.message = `Nothing to search for: ${error.apiMessage}.`;
    throw error;
  }
}

import { h } from "../dom.js";
import { api } from "../api.js";
import { checkFields } from "../ui.js";
import { checkField } from "../messages.js";
import { threadItem, pagedList } from "./threadItem.js";
import { loadBlocks } from "../blocks.js";

const SORTS = [["new", "New"], ["top", "Top"], ["active", "Active"]];

export async function threadListView({ main, params, navigate }) {
  const sort = SORTS.some(([s]) => s === params.get("sort")) ? params.get("sort") : "new";
  const tag = (params.get("tag") || "").trim().toLowerCase();
  const href = (s, t) => {
    const q = new URLSearchParams();
    if (s !== "new") q.set("sort", s);
    if (t) q.set("tag", t);
    const qs = q.toString();
    return qs ? `/?${qs}` : "/";
  };
  const tagInput = h("input", { id: "tag-filter", name: "tag", type: "search", value: tag, placeholder: "e.g. firebase",
    pattern: "[a-z0-9-]{1,30}", autocomplete: "off" });
  // A tag that cannot exist ("c++") is said beside the field, before asking the API anything.
  const submit = (e) => {
    e.preventDefault();
    if (checkFields({ tag: tagInput })) navigate(href(sort, tagInput.value.trim().replace(/^#/, "").toLowerCase()));
  };
  const filter = h("form.tag-filter", { role: "search", novalidate: true, onsubmit: submit },
    h("label", { for: "tag-filter" }, "Filter by tag"), tagInput, h("button.button", { type: "submit" }, "Filter"),
    tag ? h("a.button.subtle", { href: href(sort, "") }, "Clear") : null);
  main.append(
    h("div.page-head", h("h1", tag ? `#${tag}` : "Discussions"), filter),
    h("nav.tabs-nav", { "aria-label": "Sort threads" },
      h("ul.sort-tabs", SORTS.map(([s, label]) => h("li", h("a", { href: href(s, tag), "aria-current": s === sort ? "page" : null }, label))))),
  );
  const problem = tag ? checkField("tag", tag) : null;
  if (problem) {
    checkFields({ tag: tagInput });
    return;
  }
  const list = pagedList({
    label: "Threads",
    emptyMessage: tag ? `No threads tagged #${tag} yet.` : "No threads yet. Start the first one!",
    // Whose threads to draw collapsed, fetched beside the first page (once per member and page load).
    fetchPage: async (cursor) => (await Promise.all([api.threads({ sort, tag, cursor }), loadBlocks()]))[0],
    renderItem: threadItem,
  });
  main.append(list);
  await list.ready;
}

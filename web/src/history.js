// "edited" on a thread or comment opens its earlier versions (GET .../history: the last 20 kept),
// loaded when first opened, in a panel under the post's header.
import { h, setSanitizedHtml, timeEl } from "./dom.js";
import { loading } from "./ui.js";

/** {button, panel}: the "edited" button (a disclosure) and the panel it opens; load() answers the history. */
export function editedMarker(load, what) {
  const button = h("button.linklike.edited", { type: "button", "aria-expanded": "false", title: "Show the earlier versions" }, "edited");
  const panel = h("section.history", { hidden: true, "aria-label": `Earlier versions of this ${what}` });
  let loaded = false;
  button.addEventListener("click", async () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    if (!open || loaded) return;
    panel.replaceChildren(loading("Loading earlier versions…"));
    try {
      const { items, kept } = await load();
      loaded = true;
      panel.replaceChildren(
        h("h3", "Earlier versions"),
        items.length
          ? h("ol.versions", items.map((v) => h("li.version",
            h("p.meta", `Version ${v.version} · written `, timeEl(v.writtenAt), " · replaced ", timeEl(v.replacedAt)),
            v.title ? h("p.version-title", v.title) : null,
            setSanitizedHtml(h("div.markdown"), v.bodyHtml))))
          : h("p.muted", "No earlier versions are kept."),
        items.length >= kept ? h("p.hint", `Only the last ${kept} versions are kept.`) : null);
    } catch (error) {
      panel.replaceChildren(h("p.form-error", `Could not load the earlier versions: ${error.message}`));
    }
  });
  return { button, panel };
}

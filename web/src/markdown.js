// The compose/comment editor: a markdown textarea with Write / Preview tabs. The preview is the
// server's own rendering (POST /api/render, the renderer posts go through), so what it shows is
// exactly what will be published.
import { h, setSanitizedHtml } from "./dom.js";
import { api } from "./api.js";
import { mentionCombobox } from "./mentions.js";

const DEBOUNCE_MS = 300;

/**
 * A previewer for one editor: show(source) renders into `target` after a short pause, reusing the
 * last answer while the source is unchanged, and ignoring answers that a newer request overtook.
 */
function previewer(target) {
  let timer = null;
  let last = { source: null, html: null };
  let serial = 0;
  const draw = (...nodes) => target.replaceChildren(...nodes);
  return (source) => {
    clearTimeout(timer);
    if (!source.trim()) {
      draw(h("p.muted", "Nothing to preview yet."));
      return;
    }
    if (source === last.source) {
      setSanitizedHtml(target, last.html);
      return;
    }
    draw(h("p.loading", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), "Rendering the preview…"));
    const mine = ++serial;
    timer = setTimeout(async () => {
      try {
        const { bodyHtml } = await api.render(source);
        if (mine !== serial) return;
        last = { source, html: bodyHtml };
        setSanitizedHtml(target, bodyHtml);
      } catch (error) {
        if (mine !== serial) return;
        draw(h("p.form-error", error.code === "rate_limited"
          ? `The preview is paused: try again in ${error.retryAfter || "a few"} seconds.`
          : `No preview: ${error.message}`));
      }
    }, DEBOUNCE_MS);
  };
}

/** A markdown textarea with Write / Preview tabs. */
export function markdownEditor({ name, label, value = "", rows = 8, placeholder = "", id }) {
  const textarea = h("textarea", { name, id, rows, placeholder, required: true });
  textarea.value = value;
  const rendered = h("div.markdown");
  const preview = h("div.preview", { hidden: true, tabindex: "0", role: "region", "aria-label": "Preview" }, rendered);
  const render = previewer(rendered);
  const write = h("button.tab", { type: "button", "aria-pressed": "true" }, "Write");
  const show = h("button.tab", { type: "button", "aria-pressed": "false" }, "Preview");
  const set = (previewing, focus = true) => {
    write.setAttribute("aria-pressed", String(!previewing));
    show.setAttribute("aria-pressed", String(previewing));
    textarea.hidden = previewing;
    preview.hidden = !previewing;
    if (previewing) render(textarea.value);
    if (focus) (previewing ? show : write).focus();
  };
  write.addEventListener("click", () => set(false));
  show.addEventListener("click", () => set(true));
  // Forms focus a field with an error through reveal(): back to Write, where it gets fixed.
  textarea.reveal = () => set(false, false);
  const wrap = h("div.editor",
    h("div.editor-bar", h("label", { for: textarea.id || (textarea.id = `md-${name}-${Math.random().toString(36).slice(2, 8)}`) }, label),
      h("div.tabs", write, show)),
    textarea, mentionCombobox(textarea), preview,
    h("p.hint", "Markdown: **bold**, *italic*, `code`, [links](https://…), lists, tables, > quotes and ``` code blocks."));
  wrap.textarea = textarea;
  wrap.reset = () => { textarea.value = ""; set(false, false); };
  return wrap;
}

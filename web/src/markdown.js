// A small markdown preview built from DOM nodes (text is never parsed as HTML), for the compose
// and comment previews. The published post is rendered by the server; this shows roughly how.
import { h } from "./dom.js";

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*|_[^_]+_)|(\[[^\]]+\]\([^)\s]+\))/;

function inline(text) {
  const out = [];
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) { out.push(rest); break; }
    if (m.index) out.push(rest.slice(0, m.index));
    const token = m[0];
    if (m[1]) out.push(h("code", token.slice(1, -1)));
    else if (m[2]) out.push(h("strong", inline(token.slice(2, -2))));
    else if (m[3]) out.push(h("em", inline(token.slice(1, -1))));
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
      out.push(/^https?:\/\//i.test(href) ? h("a", { href, rel: "nofollow ugc noopener" }, label) : label);
    }
    rest = rest.slice(m.index + token.length);
  }
  return out;
}

export function renderPreview(source) {
  const root = h("div.markdown");
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  let para = [];
  const flush = () => {
    if (para.length) root.append(h("p", inline(para.join(" "))));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("```")) {
      flush();
      const code = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
      root.append(h("pre", h("code", code.join("\n"))));
    } else if (/^#{1,6}\s/.test(line)) {
      flush();
      const level = Math.min(6, line.indexOf(" ") + 1);
      root.append(h(`h${Math.max(3, level)}`, inline(line.replace(/^#+\s/, ""))));
    } else if (/^\s*[-*]\s/.test(line)) {
      flush();
      const list = h("ul");
      for (; i < lines.length && /^\s*[-*]\s/.test(lines[i]); i++) list.append(h("li", inline(lines[i].replace(/^\s*[-*]\s/, ""))));
      i--;
      root.append(list);
    } else if (/^>\s?/.test(line)) {
      flush();
      root.append(h("blockquote", inline(line.replace(/^>\s?/, ""))));
    } else if (!line.trim()) {
      flush();
    } else {
      para.push(line);
    }
  }
  flush();
  if (!root.childNodes.length) root.append(h("p.muted", "Nothing to preview yet."));
  return root;
}

/** A markdown textarea with Write / Preview tabs. */
export function markdownEditor({ name, label, value = "", rows = 8, placeholder = "", id }) {
  const textarea = h("textarea", { name, id, rows, placeholder, required: true });
  textarea.value = value;
  const preview = h("div.preview", { hidden: true, tabindex: "0", role: "region", "aria-label": "Preview" });
  const write = h("button.tab", { type: "button", "aria-pressed": "true" }, "Write");
  const show = h("button.tab", { type: "button", "aria-pressed": "false" }, "Preview");
  const set = (previewing, focus = true) => {
    write.setAttribute("aria-pressed", String(!previewing));
    show.setAttribute("aria-pressed", String(previewing));
    textarea.hidden = previewing;
    preview.hidden = !previewing;
    if (previewing) preview.replaceChildren(renderPreview(textarea.value));
    if (focus) (previewing ? show : write).focus();
  };
  write.addEventListener("click", () => set(false));
  show.addEventListener("click", () => set(true));
  const wrap = h("div.editor",
    h("div.editor-bar", h("label", { for: textarea.id || (textarea.id = `md-${name}-${Math.random().toString(36).slice(2, 8)}`) }, label),
      h("div.tabs", write, show)),
    textarea, preview,
    h("p.hint", "Markdown: **bold**, *italic*, `code`, [links](https://…), lists and ``` code blocks."));
  wrap.textarea = textarea;
  wrap.reset = () => { textarea.value = ""; set(false, false); };
  return wrap;
}

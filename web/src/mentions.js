// @mention autocomplete for every compose box: typing "@gr" offers up to 5 handles that start with
// "gr" (GET /api/users?prefix=, signed in, rate-limited by the API), as an ARIA combobox: the
// textarea is the combobox, the suggestions a listbox; ↑/↓ move, Enter or Tab picks, Escape closes.
import { h } from "./dom.js";
import { api } from "./api.js";
import { session } from "./session.js";

const WAIT_MS = 250;
// "@" at the start or after a character that cannot be part of a word, then 2-30 handle characters.
const TYPED = /(^|[^\w@/.+-])@([a-z0-9_]{2,30})$/i;
const found = new Map(); // prefix -> handles, for this page's life: one request per prefix
let serial = 0;

/** The @handle being typed just before the caret: {start, prefix}, or null. */
export function typedMention(value, caret) {
  const match = TYPED.exec(value.slice(0, caret));
  return match ? { start: caret - match[2].length - 1, prefix: match[2].toLowerCase() } : null;
}

async function lookup(prefix) {
  if (!found.has(prefix)) found.set(prefix, api.handles(prefix).then((r) => r.handles).catch((e) => { found.delete(prefix); throw e; }));
  return found.get(prefix);
}

/** Turn a textarea into an @mention combobox (a no-op for readers who are not signed in). */
export function mentionCombobox(textarea) {
  const id = `mentions-${++serial}`;
  const list = h("ul.mention-list", { id, role: "listbox", "aria-label": "People to mention", hidden: true });
  const status = h("span.visually-hidden", { role: "status" });
  let options = [], active = -1, typed = null, timer = null, asked = 0;
  textarea.setAttribute("role", "combobox");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", id);
  textarea.setAttribute("aria-expanded", "false");

  const close = () => {
    list.hidden = true;
    options = [];
    active = -1;
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  };
  const highlight = (n) => {
    active = n;
    options.forEach((li, i) => li.setAttribute("aria-selected", String(i === n)));
    if (n >= 0) textarea.setAttribute("aria-activedescendant", options[n].id);
    else textarea.removeAttribute("aria-activedescendant");
  };
  const pick = (handle) => {
    if (!typed) return;
    const end = typed.start + 1 + typed.prefix.length;
    const text = `@${handle} `;
    textarea.setRangeText(text, typed.start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true })); // drafts keep the text
    close();
    textarea.focus();
  };
  const show = (handles) => {
    options = handles.map((handle, i) => {
      const li = h("li.mention-option", { id: `${id}-${i}`, role: "option", "aria-selected": "false" }, `@${handle}`);
      li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(handle); }); // keeps the focus
      li.handle = handle;
      return li;
    });
    list.replaceChildren(...options);
    list.hidden = options.length === 0;
    textarea.setAttribute("aria-expanded", String(options.length > 0));
    status.textContent = options.length ? `${options.length} ${options.length === 1 ? "person" : "people"} to mention: ↑ and ↓ to choose, Enter to pick.` : "";
    highlight(options.length ? 0 : -1);
  };

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    typed = session.user ? typedMention(textarea.value, textarea.selectionStart) : null;
    if (!typed) { close(); return; }
    const mine = ++asked;
    const want = typed.prefix;
    timer = setTimeout(async () => {
      try {
        const handles = await lookup(want);
        if (mine === asked && typed?.prefix === want) show(handles);
      } catch {
        close(); // too many lookups, or offline: typing goes on without suggestions
      }
    }, WAIT_MS);
  });
  // Before the box's own keys (Ctrl+Enter posts, Escape leaves): while the list is open they are its.
  textarea.addEventListener("keydown", (event) => {
    if (list.hidden || !options.length) return;
    const key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") {
      highlight((active + (key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
    } else if ((key === "Enter" && !event.ctrlKey && !event.metaKey) || key === "Tab") {
      pick(options[Math.max(active, 0)].handle);
    } else if (key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  });
  textarea.addEventListener("blur", () => setTimeout(close, 100));
  return h("div.mention-box", list, status);
}

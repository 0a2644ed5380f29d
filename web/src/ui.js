// Widgets shared by the views: notices, errors, loading and empty states, reactions, sign-in prompts.
import { h, clear } from "./dom.js";
import { currentUser } from "./auth.js";

export const REACTIONS = [
  ["like", "❤️", "Like"],
  ["unicorn", "🦄", "Unicorn"],
  ["exploding_head", "🤯", "Exploding head"],
  ["raised_hands", "🙌", "Raised hands"],
  ["fire", "🔥", "Fire"],
];

/** Say something to screen readers and show it in the status bar. */
export function announce(message, { link = null } = {}) {
  // The region stays in the page (visually hidden while empty) so screen readers hear each update.
  const region = document.getElementById("announcer");
  if (!region) return;
  clear(region);
  region.append(h("span", message));
  if (link) region.append(" ", h("a", { href: link.href }, link.text));
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => clear(region), link ? 15000 : 8000);
}

export function signInHref() {
  return `/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** For signed-out readers trying to write: ask them to sign in, and return false. */
export function requireSignIn(action) {
  if (currentUser()) return true;
  announce(`Sign in to ${action}.`, { link: { href: signInHref(), text: "Sign in" } });
  return false;
}

export function loading(label = "Loading…") {
  return h("p.loading", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), label);
}

export function empty(message, ...extra) {
  return h("div.empty", h("p", message), ...extra);
}

/** An error block with an optional retry button (for network failures and the like). */
export function errorBlock(error, retry) {
  const box = h("div.error", { role: "alert" }, h("p", error.message || String(error)));
  if (retry) box.append(h("button.button", { type: "button", onclick: retry }, "Try again"));
  return box;
}

/** Show an API error on a form: next to its field when the API names one, otherwise on the form. */
export function showFormError(form, error) {
  clearFormErrors(form);
  const input = error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
  if (input) {
    const id = `${input.id || input.name}-error`;
    const note = h("p.field-error", { id }, error.message);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.insertAdjacentElement("afterend", note);
    input.focus();
  } else {
    const box = h("p.form-error", { role: "alert" }, error.message);
    const actions = form.querySelector(".form-actions");
    if (actions) actions.before(box);
    else form.append(box);
  }
  if (error.retryAfter) cooldown(form, error.retryAfter);
}

export function clearFormErrors(form) {
  form.querySelectorAll(".field-error, .form-error").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((n) => { n.removeAttribute("aria-invalid"); n.removeAttribute("aria-describedby"); });
}

/** Disable a form's submit button for the seconds of a rate limit, counting down. */
function cooldown(form, seconds) {
  const button = form.querySelector("[type=submit]");
  if (!button) return;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  let left = seconds;
  button.disabled = true;
  const tick = () => {
    if (left <= 0 || !button.isConnected) {
      button.disabled = false;
      button.textContent = label;
      return;
    }
    button.textContent = `${label} (${left}s)`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

/** Run a form submit: disable while busy, show errors where they belong. */
export async function submitting(form, work) {
  const button = form.querySelector("[type=submit]");
  clearFormErrors(form);
  if (button) button.disabled = true;
  form.setAttribute("aria-busy", "true");
  let failed = false;
  try {
    return await work();
  } catch (error) {
    failed = true;
    showFormError(form, error);
    return undefined;
  } finally {
    form.removeAttribute("aria-busy");
    if (button && !(failed && form.querySelector("[type=submit]")?.textContent.includes("s)"))) button.disabled = false;
  }
}

/**
 * The reaction bar: five toggle buttons with counts and the reader's own state.
 * toggle(kind, on) calls the API and resolves to {reactionCounts, myReactions}; the bar updates
 * optimistically and rolls back when it fails.
 */
export function reactionBar({ counts, mine, toggle, label, compact = false }) {
  const state = { counts: { ...counts }, mine: new Set(mine || []) };
  const bar = h(`div.reactions${compact ? ".compact" : ""}`, { role: "group", "aria-label": label });
  const buttons = {};
  const render = () => {
    for (const [kind, , name] of REACTIONS) {
      const b = buttons[kind];
      if (!b) continue;
      const n = state.counts[kind] || 0;
      b.setAttribute("aria-pressed", String(state.mine.has(kind)));
      b.lastChild.textContent = String(n);
      b.setAttribute("aria-label", `${name}: ${n}`);
    }
  };
  const onClick = async (kind) => {
    if (!requireSignIn("react")) return;
    const on = !state.mine.has(kind);
    const before = { counts: { ...state.counts }, mine: new Set(state.mine) };
    state.counts[kind] = Math.max(0, (state.counts[kind] || 0) + (on ? 1 : -1));
    on ? state.mine.add(kind) : state.mine.delete(kind);
    render();
    try {
      const result = await toggle(kind, on);
      state.counts = { ...result.reactionCounts };
      state.mine = new Set(result.myReactions);
    } catch (error) {
      Object.assign(state, before);
      announce(`Your reaction was not saved: ${error.message}`);
    }
    render();
  };
  const button = (kind, emoji, name) => {
    if (!buttons[kind]) {
      buttons[kind] = h("button.reaction", { type: "button", dataset: { kind }, title: name, onclick: () => onClick(kind) },
        h("span.emoji", { "aria-hidden": "true" }, emoji), h("span.count"));
    }
    return buttons[kind];
  };
  // A compact bar (on comments) shows like and the reactions in use; "+" shows the rest.
  const shown = ([kind]) => !compact || kind === "like" || state.counts[kind] > 0 || state.mine.has(kind);
  for (const reaction of REACTIONS) if (shown(reaction)) bar.append(button(...reaction));
  if (compact && REACTIONS.some((r) => !shown(r))) {
    const more = h("button.reaction.more", { type: "button", "aria-label": "More reactions", title: "More reactions" }, "+");
    more.addEventListener("click", () => {
      const focusKind = REACTIONS.find((r) => !buttons[r[0]])?.[0];
      bar.replaceChildren(...REACTIONS.map((r) => button(...r)));
      render();
      buttons[focusKind]?.focus();
    });
    bar.append(more);
  }
  render();
  return bar;
}

export function tagList(tags) {
  if (!tags || !tags.length) return null;
  return h("ul.tags", { "aria-label": "Tags" }, tags.map((t) => h("li", h("a.tag", { href: `/?tag=${encodeURIComponent(t)}` }, `#${t}`))));
}

export function authorLink(author) {
  if (!author) return h("span.author.deleted", "[deleted]");
  return h("a.author", { href: `/u/${encodeURIComponent(author.handle)}` }, author.displayName || author.handle);
}

/** A labelled form field; `input` is the control element. */
export function field(labelText, input, hint) {
  const id = input.id || (input.id = `f-${input.name}-${Math.random().toString(36).slice(2, 8)}`);
  const hintEl = hint ? h("p.hint", { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div.field", h("label", { for: id }, labelText), input, hintEl);
}

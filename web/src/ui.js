// Widgets shared by the views: toasts, forms (checks and field errors), loading/empty/error states,
// reactions, avatars, icons and sign-in links.
import { h, clear, plural } from "./dom.js";
import { currentUser } from "./auth.js";
import { checkField, fieldSentence } from "./messages.js";

export const REACTIONS = [
  ["like", "Like"],
  ["unicorn", "Unicorn"],
  ["exploding_head", "Exploding head"],
  ["raised_hands", "Raised hands"],
  ["fire", "Fire"],
];

// Reaction pictures drawn here as inline SVG, so a reader without an emoji font sees them too.
// Each is a list of [element, attributes] on a 24 × 24 grid.
const HAND = (x, fingers) => [["rect", { x, y: 12, width: 8.5, height: 9.5, rx: 3 }],
  ...fingers.map(([dx, y]) => ["rect", { x: x + dx, y, width: 1.9, height: 9, rx: 0.95 }])];
const REACTION_ART = {
  like: [["path", { fill: "#e0245e", d: "M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.7 4.5c2.1 0 3.6 1.2 4.3 2.6h2c.7-1.4 2.2-2.6 4.3-2.6 3.7 0 5.8 3.9 4.3 7.3C19.5 16.4 12 21 12 21z" }]],
  unicorn: [
    ["path", { fill: "#ea596e", d: "M13 4.5c3-1.5 7 0 8.5 4.5 1 3 0 8 .5 13h-2V12c0-4-3-6.5-7-7.5z" }],
    ["path", { fill: "#c9b8f5", d: "M20 22V12c0-5-3.5-7.5-7-7.5h-1.5l-7 6c-1 .9-.9 2.5.3 3.1l1.4.7c.8.4 1.8.2 2.4-.4l1.9-1.4 1 2L11 22z" }],
    ["path", { fill: "#f4b400", d: "M9.3 6.8 6.2 1l5.1 4.3z" }],
    ["circle", { fill: "#3b2a57", cx: 10.6, cy: 8.8, r: 0.9 }]],
  exploding_head: [
    ["circle", { fill: "#ffcc4d", cx: 12, cy: 15.2, r: 7.6 }],
    ["path", { fill: "#f4900c", d: "M12 .8l1.7 3.3 3.5-1.4-.9 3.6 3.6.9-3 2.3H7.1l-3-2.3 3.6-.9-.9-3.6 3.5 1.4z" }],
    ["circle", { fill: "#664500", cx: 9.2, cy: 14.6, r: 1.1 }],
    ["circle", { fill: "#664500", cx: 14.8, cy: 14.6, r: 1.1 }],
    ["ellipse", { fill: "#664500", cx: 12, cy: 19, rx: 1.7, ry: 1.3 }]],
  raised_hands: [
    ["g", { fill: "#ffcc4d" }, [...HAND(2, [[0, 6], [2.2, 4.5], [4.4, 4], [6.6, 5]]), ...HAND(13.5, [[0, 5], [2.2, 4], [4.4, 4.5], [6.6, 6]])]],
    ["path", { fill: "none", stroke: "#f4900c", "stroke-width": 1.3, "stroke-linecap": "round", d: "M5 1.2l.6 1.4M12 .8v2M19 1.2l-.6 1.4" }]],
  fire: [
    ["path", { fill: "#f4900c", d: "M12 1.5c.6 3.2-1 5.3-2.8 7.3-1.8 2-3.7 4-3.7 7.2a6.5 6.5 0 0 0 13 .2c0-2.8-1.2-4.9-2.6-6.7.1 2.1-.6 3.8-2 4.6.6-4-.3-8.5-1.9-12.6z" }],
    ["path", { fill: "#ffcc4d", d: "M12 12c.3 1.8-.6 2.9-1.4 3.8-.6.7-1.1 1.4-1.1 2.5a2.5 2.5 0 0 0 5 0c0-1.5-.8-2.6-1.6-3.5 0 .9-.3 1.6-.9 1.9.3-1.6 0-3.3 0-4.7z" }]],
};

function svgShapes(parent, shapes) {
  for (const [tag, attrs, children] of shapes) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (children) svgShapes(el, children);
    parent.append(el);
  }
  return parent;
}

/** A reaction's picture (decorative: the button's label names it). */
export function reactionIcon(kind) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "reaction-icon");
  return svgShapes(svg, REACTION_ART[kind] || []);
}

// Toasts: one at a time (the next replaces it), gone after a few seconds or on navigation.
// The region stays in the page (visually hidden while empty) so screen readers hear each update.
const TOAST_MS = 5000;
const TOAST_WITH_LINK_MS = 9000;

/** Say something to screen readers and show it as a short-lived toast. */
export function announce(message, { link = null } = {}) {
  const region = document.getElementById("announcer");
  if (!region) return;
  clear(region);
  region.append(h("span", message));
  if (link) region.append(" ", h("a", { href: link.href }, link.text));
  clearTimeout(announce.timer);
  announce.timer = setTimeout(dismissToast, link ? TOAST_WITH_LINK_MS : TOAST_MS);
}

/** Take the toast away (on navigation, and when a form is sent again). */
export function dismissToast() {
  clearTimeout(announce.timer);
  const region = document.getElementById("announcer");
  if (region) clear(region);
}

/** Where to go after signing in: a path on this site, never elsewhere, never the sign-in pages. */
export function safeNext(raw) {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  try {
    const url = new URL(raw, location.origin);
    if (url.origin !== location.origin || /^\/(signin|signup)\/?$/.test(url.pathname)) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

export function signInHref(path = "/signin") {
  const here = location.pathname + location.search + location.hash;
  return /^\/(signin|signup)\/?$/.test(location.pathname) ? path + location.search : `${path}?next=${encodeURIComponent(here)}`;
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

// --- forms: every field checked at once, every error shown beside its field, each cleared on input.

function describedBy(input, errorId) {
  const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && !id.endsWith("-error"));
  if (errorId) ids.unshift(errorId);
  if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
  else input.removeAttribute("aria-describedby");
}

/** Show a sentence under a field and mark it invalid; typing in it takes the error away. */
export function setFieldError(input, message) {
  clearFieldError(input);
  const id = `${input.id || input.name}-error`;
  const note = h("p.field-error", { id }, message);
  input.setAttribute("aria-invalid", "true");
  describedBy(input, id);
  input.insertAdjacentElement("afterend", note);
  if (!input.dataset.clearsError) {
    input.dataset.clearsError = "1";
    input.addEventListener("input", () => clearFieldError(input));
  }
}

export function clearFieldError(input) {
  const id = `${input.id || input.name}-error`;
  document.getElementById(id)?.remove();
  input.removeAttribute("aria-invalid");
  describedBy(input, null);
}

function formError(form, message) {
  const box = h("p.form-error", { role: "alert" }, message);
  const actions = form.querySelector(".form-actions");
  if (actions) actions.before(box);
  else form.append(box);
  return box;
}

export function clearFormErrors(form) {
  form.querySelectorAll(".form-error").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach(clearFieldError);
}

/**
 * Check every field of a form against its rule (messages.js) and show every problem at once.
 * fields: {name: input}; context: "comment", "signup"… for rules that depend on it. True when all pass.
 */
export function checkFields(fields, context) {
  let first = null;
  for (const [name, input] of Object.entries(fields)) {
    const problem = checkField(name, input.value, context);
    if (problem) {
      setFieldError(input, problem);
      first ||= input;
    } else {
      clearFieldError(input);
    }
  }
  first?.reveal?.();
  first?.focus();
  return !first;
}

/** Show an error on a form: beside its field when it names one, otherwise above the buttons. */
export function showFormError(form, error, context) {
  const input = error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
  let note = null;
  if (input) {
    setFieldError(input, fieldSentence(error, input.value, context));
    input.reveal?.();
    input.focus();
  } else {
    note = formError(form, error.message || String(error));
  }
  if (error.retryAfter) cooldown(form, error.retryAfter, error.code === "rate_limited" ? note : null);
}

/** The rate-limit sentence for `left` seconds to wait (counts down with the button). */
export function waitSentence(left) {
  return left > 0 ? `Slow down a little: try again in ${plural(left, "second")}.` : "You can try again now.";
}

/**
 * Disable a form's submit button for the seconds of a rate limit, counting down; the sentence
 * above the buttons (note) counts down with it.
 */
function cooldown(form, seconds, note) {
  const button = form.querySelector("[type=submit]");
  if (!button) return;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  button.dataset.cooling = "1";
  let left = seconds;
  button.disabled = true;
  const tick = () => {
    if (note?.isConnected) note.textContent = waitSentence(left);
    if (left <= 0 || !button.isConnected) {
      button.disabled = false;
      delete button.dataset.cooling;
      button.textContent = label;
      return;
    }
    button.textContent = `${label} (${left}s)`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

/**
 * Run a form submit: check the fields first (all of them), then disable while busy and show
 * errors beside the form, never in a toast. fields/context as for checkFields.
 */
export async function submitting(form, work, { fields = null, context = null } = {}) {
  const button = form.querySelector("[type=submit]");
  dismissToast();
  clearFormErrors(form);
  if (fields && !checkFields(fields, context)) return undefined;
  if (button) button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } catch (error) {
    showFormError(form, error, context);
    return undefined;
  } finally {
    form.removeAttribute("aria-busy");
    if (button && !button.dataset.cooling) button.disabled = false;
  }
}

/**
 * The reaction bar: five toggle buttons with counts and the reader's own state.
 * toggle(kind, on) calls the API and resolves to {reactionCounts, myReactions}; the bar updates
 * optimistically and rolls back when it fails.
 */
export function reactionBar({ counts, mine, toggle, label, compact = false, disabled = null }) {
  const state = { counts: { ...counts }, mine: new Set(mine || []) };
  const bar = h(`div.reactions${compact ? ".compact" : ""}`, { role: "group", "aria-label": label });
  if (disabled) bar.dataset.disabled = disabled;
  const buttons = {};
  const render = () => {
    for (const [kind, name] of REACTIONS) {
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
  const button = (kind, name) => {
    if (!buttons[kind]) {
      // The picture is decoration: the name is the button's label, and shows on hover and focus.
      // A reader who may not react (suspended) sees the counts on disabled buttons, and why.
      buttons[kind] = h("button.reaction", { type: "button", dataset: { kind }, onclick: () => onClick(kind), disabled: !!disabled, title: disabled },
        h("span.emoji", { "aria-hidden": "true" }, reactionIcon(kind)), h("span.reaction-name", { "aria-hidden": "true" }, name), h("span.count"));
    }
    return buttons[kind];
  };
  // A compact bar (on comments) shows like and the reactions in use; "+" shows the rest.
  const shown = ([kind]) => !compact || kind === "like" || state.counts[kind] > 0 || state.mine.has(kind);
  for (const reaction of REACTIONS) if (shown(reaction)) bar.append(button(...reaction));
  if (compact && !disabled && REACTIONS.some((r) => !shown(r))) {
    const more = h("button.reaction.more", { type: "button", "aria-label": "More reactions" },
      h("span", { "aria-hidden": "true" }, "+"), h("span.reaction-name", { "aria-hidden": "true" }, "More reactions"));
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

// Avatars are made here, from the author's uid and name: no image service, nothing fetched.
const AVATAR_COLOURS = 8;

function hash(text) {
  let n = 2166136261;  // FNV-1a
  for (let i = 0; i < text.length; i++) n = Math.imul(n ^ text.charCodeAt(i), 16777619);
  return n >>> 0;
}

export function initials(name) {
  const words = (name || "?").replace(/[_@]+/g, " ").trim().split(/\s+/).filter(Boolean);
  const first = (word) => Array.from(word)[0] || "";
  // The first two words ("Load User 14" is "LU"), as people write their own initials.
  return (first(words[0] || "?") + (words.length > 1 ? first(words[1]) : "")).toUpperCase();
}

/** A generated avatar: initials on a colour derived from the uid. Decorative (the name is beside it). */
export function avatar(author, size = "small") {
  const name = author ? author.displayName || author.handle : "?";
  const colour = author ? hash(author.uid || author.handle || "") % AVATAR_COLOURS : "none";
  // The initials are drawn by CSS (::before): decoration, so not part of the link's text or a copy.
  return h(`span.avatar.${size}.av-${colour}`, { "aria-hidden": "true", dataset: { initials: initials(name) } });
}

/** A member's profile page by uid: the link keeps pointing at them after they change their handle,
 * and never at whoever takes that handle later. */
export function profileHref(person) {
  return person.uid ? `/u/id/${encodeURIComponent(person.uid)}` : `/u/${encodeURIComponent(person.handle)}`;
}

export function authorLink(author) {
  if (!author) return h("span.author.deleted", "[deleted]");
  return h("a.author", { href: profileHref(author) }, avatar(author), h("span.name", author.displayName || author.handle));
}

// Small inline icons (SVG, drawn in currentColor) where a glyph would need an emoji font.
const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  heart: "M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.7 4.5c2.1 0 3.6 1.2 4.3 2.6h2c.7-1.4 2.2-2.6 4.3-2.6 3.7 0 5.8 3.9 4.3 7.3C19.5 16.4 12 21 12 21z",
  comment: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
  menu: "M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z",
  more: "M5 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
  quote: "M4 6h6v6H7.5c0 2 1 3 2.5 3.5V18c-3.5-.5-6-3-6-7zm10 0h6v6h-2.5c0 2 1 3 2.5 3.5V18c-3.5-.5-6-3-6-7z",
  bell: "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z",
  link: "M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0zM8.5 18.4a3.5 3.5 0 0 1-2.5-6l2.1-2.1a1 1 0 0 1 1.4 1.4l-2.1 2.1a1.5 1.5 0 0 0 2.1 2.1l2.1-2.1a1 1 0 0 1 1.4 1.4L10.9 17.4a3.5 3.5 0 0 1-2.4 1zm7.4-4.3a1 1 0 0 1-.7-1.7l2.1-2.1a1.5 1.5 0 0 0-2.1-2.1l-2.1 2.1a1 1 0 0 1-1.4-1.4l2.1-2.1a3.5 3.5 0 0 1 4.9 4.9l-2.1 2.1a1 1 0 0 1-.7.3z",
};

export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

/** A labelled form field; `input` is the control element. */
export function field(labelText, input, hint) {
  const id = input.id || (input.id = `f-${input.name}-${Math.random().toString(36).slice(2, 8)}`);
  const hintEl = hint ? h("p.hint", { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div.field", h("label", { for: id }, labelText), input, hintEl);
}

// --- the "⋯" menu: the secondary actions of a post, one row of buttons for the primary ones.

let menuSerial = 0;

/**
 * A menu button (WAI-ARIA menu pattern) holding secondary actions. Enter, Space or ↓ opens it on
 * its first item (↑ on its last), ↑/↓/Home/End move, Escape closes it with the focus back on the
 * button, and Tab or a click outside closes it. items: [{label, onSelect({anchor, itemEl}), danger}]
 * (falsy entries skipped); an item whose element has aria-disabled does nothing. null when empty.
 */
export function actionMenu(items, { label = "More actions" } = {}) {
  const list = items.filter(Boolean);
  if (!list.length) return null;
  const id = `action-menu-${++menuSerial}`;
  const button = h("button.linklike.menu-toggle", { type: "button", "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": id,
    "aria-label": label, title: label }, icon("more"));
  const menu = h("ul.action-menu", { id, role: "menu", "aria-label": label, hidden: true });
  const wrap = h("div.menu-wrap", button, menu);
  const entries = list.map((item) => {
    const el = h(`button.menu-item${item.danger ? ".danger" : ""}`, { type: "button", role: "menuitem", tabindex: "-1" }, item.label);
    el.addEventListener("click", () => {
      if (el.getAttribute("aria-disabled") === "true") return;
      close(false);
      item.onSelect({ anchor: button, itemEl: el });
    });
    menu.append(h("li", { role: "none" }, el));
    return el;
  });
  const outside = (event) => { if (!wrap.contains(event.target)) close(false); };
  function open(index) {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    document.addEventListener("click", outside, true);
    entries[(index + entries.length) % entries.length].focus();
  }
  function close(focusButton) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("click", outside, true);
    if (focusButton) button.focus();
  }
  button.addEventListener("click", () => (menu.hidden ? open(0) : close(true)));
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      open(event.key === "ArrowDown" ? 0 : -1);
    }
  });
  menu.addEventListener("keydown", (event) => {
    const at = entries.indexOf(document.activeElement);
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      entries[(moves[event.key] + entries.length) % entries.length].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === "Tab") {
      close(false);
    }
  });
  wrap.addEventListener("focusout", (event) => {
    if (!menu.hidden && event.relatedTarget && !wrap.contains(event.relatedTarget)) close(false);
  });
  wrap.button = button;
  return wrap;
}

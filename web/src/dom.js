// Tiny DOM helpers. User text always goes in through textContent (via h's children);
// the one exception is setSanitizedHtml, for bodyHtml that the server rendered and sanitised.

/** h("a.link", {href}, "text", child) builds an element; strings become text nodes. */
export function h(tag, props, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  if (props && (typeof props !== "object" || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class") el.className = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** An absolute http(s)/mailto URL, a same-site path or a fragment; never "//host" (or "/\\host",
 *  which browsers read the same way), which leaves the site. */
export function safeHref(href) {
  const value = String(href || "").trim();
  if (/^[/\\]{2}/.test(value)) return false;
  return /^(https?:|mailto:|\/|#)/i.test(value);
}

/** Insert HTML that the API rendered from markdown and sanitised (nh3). Never use it for anything else. */
export function setSanitizedHtml(el, serverSanitizedHtml) {
  el.innerHTML = serverSanitizedHtml || "";
  for (const a of el.querySelectorAll("a[href]")) {
    a.setAttribute("rel", "nofollow ugc noopener");
    if (!safeHref(a.getAttribute("href"))) a.removeAttribute("href");
  }
  for (const img of el.querySelectorAll("img[src]")) {
    if (!safeHref(img.getAttribute("src"))) img.removeAttribute("src");
  }
  return el;
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

export function relativeTime(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

const EXACT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A <time> element with a relative label and the exact time as its title. */
export function timeEl(iso) {
  if (!iso) return null;
  return h("time", { datetime: iso, title: EXACT.format(new Date(iso)) }, relativeTime(iso));
}

export function plural(n, one, many = one + "s") {
  return `${n} ${n === 1 ? one : many}`;
}

/** A <time> element showing the exact date and time (for deadlines: "until Dec 7, 2026, 7:43 PM"). */
export function dateEl(iso) {
  if (!iso) return null;
  return h("time", { datetime: iso, title: relativeTime(iso) }, EXACT.format(new Date(iso)));
}

/** Text with RFC 3339 times in it (a server's sentence), the times written as dates for people. */
export function withDates(text) {
  const parts = String(text).split(/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))/);
  return parts.map((part, i) => (i % 2 && !Number.isNaN(Date.parse(part)) ? dateEl(part) : part)).filter((p) => p !== "");
}

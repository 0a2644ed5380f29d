// The web UI inside another site's page (the embed, /embed): which page it shows, its height and
// theme told to and by the host page (postMessage, origin-checked both ways), links that leave
// the frame in a new tab, and bringing a linked comment into the host's view.
import { pageThreadId } from "./embed/mapping.js";

export { pageThreadId };  // "pg-" + sha256(site + "\n" + term)[:32], as the API makes it

export const embed = {
  on: document.documentElement.dataset.embed === "true",
  page: null,  // {site, term, url, title} of the host page, from the frame's URL
};

if (embed.on) {
  const params = new URLSearchParams(location.search);
  embed.page = { site: params.get("site") || "", term: params.get("term") || "", url: params.get("url") || "", title: params.get("title") || "" };
}

/** Post to the host page: only to the site the frame was made for. */
function tellHost(message) {
  if (!embed.on || window.parent === window || !embed.page.site) return;
  try {
    window.parent.postMessage({ hearth: message.type, ...message }, embed.page.site);
  } catch {
    // a site that is not an origin: nothing to tell
  }
}

export function setTheme(theme) {
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** Start the frame's side of the conversation: height, theme, ready. */
export function startFrame() {
  if (!embed.on) return;
  setTheme(new URLSearchParams(location.search).get("theme"));
  let last = 0;
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) { last = height; tellHost({ type: "resize", height }); }
  };
  new ResizeObserver(report).observe(document.documentElement);
  addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== embed.page.site) return;
    if (event.data?.hearth === "theme") setTheme(event.data.theme);
  });
  tellHost({ type: "ready" });
  report();
}

/** The address of a comment for people: the article's, where the embed is, or the thread page's. */
export function commentUrl(tid, cid) {
  return embed.on && embed.page.url ? `${embed.page.url}#hearth-c-${cid}` : `${location.origin}/t/${encodeURIComponent(tid)}#c-${cid}`;
}

/** Scroll el into view: in the frame (which has no scrollbar of its own) the host page scrolls. */
export function bringIntoView(el) {
  if (!embed.on) { el.scrollIntoView({ block: "center" }); return; }
  tellHost({ type: "scroll", top: el.getBoundingClientRect().top + scrollY });
}

/** The frame's own pages (the thread, signing in): others open in a new tab, never in the frame. */
export function staysInFrame(url) {
  return url.origin === location.origin && /^\/(embed|signin|signup|settings)\/?$/.test(url.pathname);
}

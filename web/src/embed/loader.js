// embed.js: mounts a page's Hearth comment section (an iframe from Hearth's own origin) in
// #hearth-comments, or right after this script. Read web/README.md ("Embedding") for the attributes.
import { canonicalUrl, clip, pageTerm, pageThreadId } from "./mapping.js";

const script = document.currentScript;
const HEARTH = new URL(script.src).origin;
const attr = (name, fallback) => script.getAttribute(`data-hearth-${name}`) || fallback;
let frame = null;
let theme = attr("theme", "auto");

const dark = matchMedia("(prefers-color-scheme: dark)");
const resolved = () => (theme === "auto" ? (dark.matches ? "dark" : "light") : theme);
const tell = (message) => frame?.contentWindow?.postMessage({ hearth: message.type, ...message }, HEARTH);

function container() {
  let box = document.getElementById("hearth-comments");
  if (!box) {
    box = document.createElement("div");
    box.id = "hearth-comments";
    script.after(box);
  }
  return box;
}

function refuse(box, message) {
  const p = document.createElement("p");
  p.className = "hearth-error";
  p.textContent = message;
  box.replaceChildren(p);
  frame = null;
}

function mount(box) {
  const site = location.origin;
  const term = pageTerm(document, location, attr("mapping", "pathname"), attr("term", ""));
  if (!term) return refuse(box, "Comments: this page has no term to find its thread by (check data-hearth-mapping).");
  const params = new URLSearchParams({ site, term, url: canonicalUrl(document, location), title: clip(document.title) || term, theme: resolved() });
  // A link to a comment (#hearth-c-{id}, from a notification) is brought into view in the frame.
  const linked = /^#hearth-c-([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
  frame = document.createElement("iframe");
  frame.src = `${HEARTH}/embed?${params}${linked ? `#c-${linked[1]}` : ""}`;
  frame.title = "Comments";
  frame.setAttribute("scrolling", "no");
  frame.style.cssText = "width:100%;border:0;height:240px;color-scheme:normal;display:block";
  box.replaceChildren(frame);
  // A frame the site may not embed shows the browser's error, not ours: ask the API, and say why.
  fetch(`${HEARTH}/api/pages/counts?${new URLSearchParams({ site, keys: pageThreadId(site, term) })}`, { credentials: "omit" })
    .then((r) => (r.status === 403 ? r.json() : null))
    .then((body) => {
      if (body?.error?.code === "origin_not_allowed") {
        refuse(box, `Comments are unavailable: ${site} is not allowed to embed this Hearth (its owner adds it to HEARTH_EMBED_ORIGINS).`);
      }
    })
    .catch(() => {});
}

addEventListener("message", (event) => {
  if (!frame || event.origin !== HEARTH || event.source !== frame.contentWindow) return;
  const data = event.data || {};
  if (data.hearth === "resize" && data.height > 0) frame.style.height = `${Math.ceil(data.height)}px`;
  else if (data.hearth === "scroll") scrollTo({ top: frame.getBoundingClientRect().top + scrollY + data.top - innerHeight / 3 });
  else if (data.hearth === "ready") tell({ type: "theme", theme: resolved() });
});
dark.addEventListener?.("change", () => { if (theme === "auto") tell({ type: "theme", theme: resolved() }); });

window.hearth = {
  /** Switch a mounted embed to "light", "dark" or "auto" (the host page's prefers-color-scheme). */
  setTheme(value) {
    theme = ["light", "dark"].includes(value) ? value : "auto";
    tell({ type: "theme", theme: resolved() });
  },
};

const box = container();
if (attr("loading", "") === "lazy" && "IntersectionObserver" in window) {
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); mount(box); }
  }, { rootMargin: "600px 0px" });
  seen.observe(box);
} else {
  mount(box);
}

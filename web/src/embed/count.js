// count.js: fills every element with data-hearth-count (a page's URL or path, mapped as the embed
// maps it; or data-hearth-term) with "N comments", in one request per 50 pages. Pages are sent as
// their thread ids (fixed length, so 50 fit in any URL), which the API checks belong to this site.
import { clip, pageThreadId, termOfUrl } from "./mapping.js";

const script = document.currentScript;
const HEARTH = new URL(script.src).origin;
const mapping = script.getAttribute("data-hearth-mapping") || "pathname";
const BATCH = 50;

function keyOf(el) {
  const term = el.getAttribute("data-hearth-term");
  if (term) return clip(term);
  try {
    return clip(termOfUrl(new URL(el.getAttribute("data-hearth-count") || el.getAttribute("href") || "", location.href), mapping));
  } catch {
    return "";
  }
}

const label = (n) => (n === 0 ? "No comments yet" : n === 1 ? "1 comment" : `${n} comments`);

async function fill() {
  const byKey = new Map();
  for (const el of document.querySelectorAll("[data-hearth-count]")) {
    const term = keyOf(el);
    const key = term && pageThreadId(location.origin, term);
    if (key) byKey.set(key, [...(byKey.get(key) || []), el]);
  }
  const keys = [...byKey.keys()];
  for (let i = 0; i < keys.length; i += BATCH) {
    const params = new URLSearchParams({ site: location.origin });
    for (const key of keys.slice(i, i + BATCH)) params.append("keys", key);
    try {
      const response = await fetch(`${HEARTH}/api/pages/counts?${params}`, { credentials: "omit" });
      if (!response.ok) continue;
      const { counts } = await response.json();
      for (const [key, n] of Object.entries(counts)) {
        for (const el of byKey.get(key) || []) {
          el.textContent = label(n);
          el.setAttribute("data-hearth-count-value", String(n));
        }
      }
    } catch {
      // Counts are a nicety: the links keep their own text.
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
else fill();

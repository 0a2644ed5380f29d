// How a page maps to its Hearth thread: shared by embed.js and count.js (each bundles its own copy).
// Matching is exact, never fuzzy: the same mapping of the same page gives the same term.

export const TERM_MAX = 500;

/** A pathname as one page: /a, /a/, /a.html and /a/index.html are all "/a"; the root is "/". */
export function normalPath(pathname) {
  let p = pathname.replace(/\/index\.html?$/i, "/").replace(/\.html?$/i, "");
  if (p.length > 1) p = p.replace(/\/+$/, "");
  return p || "/";
}

/** The term of a URL under a mapping ("pathname" or "url"); "url" drops only the fragment. */
export function termOfUrl(url, mapping) {
  return mapping === "url" ? url.origin + url.pathname + url.search : normalPath(url.pathname);
}

/** The term of the current page under data-hearth-mapping (and data-hearth-term for "specific"). */
export function pageTerm(doc, loc, mapping, specific) {
  let term;
  if (mapping === "specific") term = specific;
  else if (mapping === "title") term = doc.title;
  else if (mapping === "og:title") term = doc.querySelector('meta[property="og:title"]')?.content;
  else term = termOfUrl(new URL(loc.href), mapping);
  return clip(term);
}

/** Trimmed and at most TERM_MAX code points (what the API accepts). */
export function clip(text) {
  return Array.from((text || "").trim()).slice(0, TERM_MAX).join("");
}

/** The article's canonical URL: <link rel="canonical"> on the same origin, else origin + pathname. */
export function canonicalUrl(doc, loc) {
  const link = doc.querySelector('link[rel="canonical"]')?.href;
  try {
    const url = new URL(link);
    if (url.origin === loc.origin) return url.origin + url.pathname + url.search;
  } catch {
    // no canonical link, or not a URL: the page's own address
  }
  return loc.origin + loc.pathname;
}

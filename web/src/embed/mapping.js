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

// SHA-256 in a few lines: count.js runs on any blog, and crypto.subtle exists only on https pages.
const ror = (x, n) => (x >>> n) | (x << (32 - n));

/** The hex SHA-256 of text (UTF-8). */
export function sha256(text) {
  const bytes = new TextEncoder().encode(text);
  const K = [];
  const H = [];
  const frac = (x) => ((x - Math.floor(x)) * 2 ** 32) | 0;
  for (let n = 2, i = 0; i < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
    if (prime) {
      if (i < 8) H[i] = frac(n ** 0.5);
      K[i++] = frac(Math.cbrt(n));
    }
  }
  const len = bytes.length;
  const words = new Array((((len + 8) >> 6) << 4) + 16).fill(0);
  for (let j = 0; j < len; j++) words[j >> 2] |= bytes[j] << (24 - (j % 4) * 8);
  words[len >> 2] |= 0x80 << (24 - (len % 4) * 8);
  words[words.length - 1] = len * 8;
  const W = [];
  for (let j = 0; j < words.length; j += 16) {
    let [a, b, c, d, e, f, g, h] = H;
    for (let t = 0; t < 64; t++) {
      if (t < 16) W[t] = words[j + t];
      else {
        const x = W[t - 15];
        const y = W[t - 2];
        W[t] = (W[t - 16] + (ror(x, 7) ^ ror(x, 18) ^ (x >>> 3)) + W[t - 7] + (ror(y, 17) ^ ror(y, 19) ^ (y >>> 10))) | 0;
      }
      const t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
      const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, h].forEach((v, k) => { H[k] = (H[k] + v) | 0; });
  }
  return H.map((x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
}

/** A page's thread id, as the API makes it: "pg-" and the first 32 hex digits of sha256(site + "\n" + term). */
export const pageThreadId = (site, term) => "pg-" + sha256(`${site}\n${term}`).slice(0, 32);

// Drafts: what a member has typed in a comment, reply or edit box (or the new-thread form), kept
// in this browser per thread and comment, so that Escape, a click elsewhere in the app, Back or a
// reload never throws it away. Kept in localStorage when the browser allows it, else in memory
// (for this tab's in-app navigation): storage that is denied or full is never an error.
import { session } from "./session.js";

const PREFIX = "hearth:draft:";
const MAX_AGE_MS = 30 * 86_400_000;  // a draft untouched for a month is forgotten
const MAX_DRAFTS = 50;  // and the oldest beyond these, so a forgotten tab cannot fill the storage
const SAVE_DELAY_MS = 250;

const memory = new Map();

function storage() {
  try {
    const s = window.localStorage;
    return s || null;
  } catch {
    return null;  // denied (a sandboxed frame, blocked site data)
  }
}

function read(key) {
  const s = storage();
  let raw;
  try {
    raw = s ? s.getItem(key) : null;
  } catch {
    raw = null;
  }
  raw ??= memory.get(key) ?? null;
  if (!raw) return null;
  try {
    const draft = JSON.parse(raw);
    if (!draft || typeof draft.at !== "number" || Date.now() - draft.at > MAX_AGE_MS) return null;
    return draft;
  } catch {
    return null;
  }
}

function write(key, value) {
  memory.set(key, value);
  const s = storage();
  if (!s) return;
  try {
    s.setItem(key, value);
    memory.delete(key);  // stored for good: memory was only the fallback
  } catch {
    // Denied or full: memory keeps it for this tab.
  }
}

function remove(key) {
  memory.delete(key);
  try {
    storage()?.removeItem(key);
  } catch {
    // nothing stored there to remove
  }
}

/** Every draft key in this browser (both places), for pruning and listing. */
function keys() {
  const found = new Set(memory.keys());
  const s = storage();
  try {
    for (let i = 0; s && i < s.length; i++) {
      const key = s.key(i);
      if (key?.startsWith(PREFIX)) found.add(key);
    }
  } catch {
    // unreadable storage: memory's keys only
  }
  return [...found];
}

/** Forget drafts that are too old, and the oldest beyond MAX_DRAFTS. */
function prune() {
  const drafts = keys().map((key) => [key, read(key)]);
  for (const [key, draft] of drafts) if (!draft) remove(key);
  const kept = drafts.filter(([, d]) => d).sort((a, b) => b[1].at - a[1].at);
  for (const [key] of kept.slice(MAX_DRAFTS)) remove(key);
}

/** The key of a draft: whose (drafts are per member) and where ("t/{tid}/comment", "t/{tid}/reply/{cid}"…). */
export function draftKey(place) {
  const uid = session.user?.uid;
  return uid ? `${PREFIX}${uid}:${place}` : null;
}

/** The saved value of a draft (a string, or an object for a form of several fields), or null. */
export function loadDraft(place) {
  const key = draftKey(place);
  return key ? read(key)?.value ?? null : null;
}

/** The places of this member's drafts that start with `prefix` ("t/{tid}/"). */
export function draftPlaces(prefix) {
  const head = draftKey(prefix);
  if (!head) return [];
  const start = head.length - prefix.length;
  return keys().filter((key) => key.startsWith(head) && read(key)).map((key) => key.slice(start));
}

export function saveDraft(place, value) {
  const key = draftKey(place);
  if (!key) return;
  const empty = typeof value === "string" ? !value.trim() : !Object.values(value || {}).some((v) => String(v).trim());
  if (empty) {
    remove(key);
    return;
  }
  write(key, JSON.stringify({ value, at: Date.now() }));
}

export function clearDraft(place) {
  const key = draftKey(place);
  if (key) remove(key);
}

// Boxes open on the page, with what they hold: leaving the site with unposted text asks first.
const open = new Set();

/**
 * Keep the draft of an editor: `read()` gives its value now, saved (after a short pause) on every
 * input in `root`, and at once when the app draws another page or the page unloads; `changed()`
 * says whether it holds something not posted. done(clear) stops watching: clear when it was posted
 * or discarded, else the draft is saved as it is.
 */
export function keepDraft(place, root, read, changed = () => true) {
  let timer = null;
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    saveDraft(place, read());
  };
  const onInput = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, SAVE_DELAY_MS);
  };
  const entry = { root, flush, changed };
  root.addEventListener("input", onInput);
  open.add(entry);
  let finished = false;
  return {
    flush,
    done(clear) {
      if (finished) return;  // the first word stands: a discarded draft is not saved again on close
      finished = true;
      clearTimeout(timer);
      root.removeEventListener("input", onInput);
      open.delete(entry);
      if (clear) clearDraft(place);
      else saveDraft(place, read());
    },
  };
}

/**
 * Save what every box on the page holds now (before the app draws another page). Boxes no longer
 * on the page were saved when they left it, and are let go: saving them again would bring back a
 * draft posted or discarded since.
 */
export function flushDrafts() {
  for (const entry of open) {
    if (entry.root.isConnected) entry.flush();
    else open.delete(entry);
  }
}

/** Whether a box on the page holds text not posted. */
export function hasUnsent() {
  for (const entry of open) if (entry.root.isConnected && entry.changed()) return true;
  return false;
}

window.addEventListener("beforeunload", (event) => {
  flushDrafts();  // a reload finds the text where it was
  if (!hasUnsent()) return;
  // The draft is kept here either way; the browser's own question makes sure leaving was meant.
  event.preventDefault();
  event.returnValue = "";
});

prune();

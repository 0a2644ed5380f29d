// The members the signed-in reader blocked (GET /api/me/blocks), by uid: their posts are drawn
// collapsed ("Comment by a user you blocked — show"). Loaded once per member and page load.
import { h } from "./dom.js";
import { api } from "./api.js";
import { session } from "./session.js";

let uids = new Set();
let loading = null;
let loadedFor = null;

/** The blocked uids, loaded for the signed-in member (an empty set for a reader, or on failure). */
export function loadBlocks() {
  const me = session.user?.uid ?? null;
  if (!me) return Promise.resolve((uids = new Set()));
  if (loadedFor !== me || !loading) {
    loadedFor = me;
    loading = api.blocks()
      .then((page) => (uids = new Set(page.items.map((b) => b.uid))))
      .catch(() => { loading = null; return uids; });
  }
  return loading;
}

export const isBlocked = (uid) => !!uid && uids.has(uid);

export function setBlocked(uid, on) {
  if (on) uids.add(uid);
  else uids.delete(uid);
}

/** What stands for a blocked member's post: a sentence and "show", which draws it after all. */
export function blockedFold(what, show) {
  return h("p.blocked-note", `${what} by a user you blocked — `,
    h("button.linklike.show-blocked", { type: "button", onclick: show }, "show"));
}

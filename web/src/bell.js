// The header's bell: the signed-in member's unread notification count (GET /api/me carries it).
// It is refreshed when the member navigates and once a minute while the tab is visible: a
// counter read costs the API one batched read, and no Firestore SDK (or its ~100 KB) is loaded.
import { h } from "./dom.js";
import { api } from "./api.js";
import { icon } from "./ui.js";
import { onSessionChange, session, setProfile } from "./session.js";

const EVERY_MS = 60_000;
const FRESH_MS = 1_000; // right after the profile (and so the count) loaded, a navigation does not fetch again

let lastFetch = 0;
let pending = null;

export function unreadCount() {
  return Math.max(0, Number(session.profile?.unreadNotifications) || 0);
}

/** The bell link for the header, drawn from the count the session knows. */
export function bellLink(here) {
  const n = unreadCount();
  const label = n ? `Notifications (${n} unread)` : "Notifications";
  return h("a.bell", { href: "/notifications", "aria-label": label, title: label, "aria-current": here === "/notifications" ? "page" : null },
    h("span.bell-icon", icon("bell")),
    n ? h("span.bell-count", { "aria-hidden": "true" }, n > 99 ? "99+" : String(n)) : null);
}

/** Set the count after the member changed it (marked some read) without asking the server. */
export function setUnread(n) {
  if (session.profile) setProfile({ ...session.profile, unreadNotifications: Math.max(0, n) });
}

/** Ask the API for the count again (at most one request in flight; skipped when just fetched). */
export function refreshUnread({ force = false } = {}) {
  if (!session.user || !session.profile) return Promise.resolve();
  if (pending || (!force && Date.now() - lastFetch < FRESH_MS)) return pending || Promise.resolve();
  lastFetch = Date.now();
  pending = api.me()
    .then((me) => {
      // The same answer carries a moderator's count of what waits in the queue (the Moderation link's).
      const p = session.profile;
      if (session.user && p && (me.unreadNotifications !== p.unreadNotifications || me.pendingModeration !== p.pendingModeration)) {
        setProfile({ ...p, unreadNotifications: Math.max(0, me.unreadNotifications), pendingModeration: me.pendingModeration });
      }
    })
    .catch(() => {}) // the bell keeps its last count; the next tick tries again
    .finally(() => { pending = null; });
  return pending;
}

/** Refresh every minute while the tab is visible, and as soon as it becomes visible again. */
export function startBell() {
  onSessionChange(() => { lastFetch = Date.now(); }); // a profile just loaded carries a fresh count
  setInterval(() => { if (document.visibilityState === "visible") refreshUnread(); }, EVERY_MS);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refreshUnread(); });
}

// The app: routing with the History API, the page shell, and which view draws which URL.
import { h, clear } from "./dom.js";
import { loadConfig } from "./config.js";
import { configureAuth, ensureAuth, hasStoredSession, signOut, signInWithToken } from "./auth.js";
import { session, onSessionChange, refreshProfile, watchSession } from "./session.js";
import { announce, dismissToast, signInHref, icon } from "./ui.js";
import { threadListView } from "./views/threadList.js";
import { threadView } from "./views/thread.js";
import { composeView } from "./views/compose.js";
import { profileView, settingsView } from "./views/profile.js";
import { bookmarksView } from "./views/bookmarks.js";
import { signInView } from "./views/signin.js";
import { notFoundView } from "./views/notFound.js";
import { queueView, logView, isModerator } from "./views/moderation.js";
import { bellLink, refreshUnread, startBell } from "./bell.js";
import { startSearchBox, syncSearchBox } from "./searchBox.js";
import { flushDrafts } from "./drafts.js";
import { embed, staysInFrame, startFrame } from "./embedded.js";
import { embedView } from "./views/embed.js";

// Views few visits need are their own chunks, loaded on first use (off the first-load budget).
const lazy = (load, name) => async (ctx) => (await load())[name](ctx);

const ROUTES = [
  [/^\/$/, threadListView],
  [/^\/t\/([A-Za-z0-9_-]+)$/, threadView],
  [/^\/new$/, composeView],
  [/^\/u\/([a-z0-9_]+)$/, profileView],
  // By uid: where posts link (authors, @mentions), so a link keeps its person through a change of handle.
  [/^\/u\/id\/([^/]+)$/, (ctx) => profileView({ ...ctx, byId: true })],
  [/^\/settings$/, settingsView],
  [/^\/bookmarks$/, bookmarksView],
  [/^\/mod\/queue$/, queueView],
  [/^\/mod\/log$/, logView],
  [/^\/notifications$/, lazy(() => import("./views/notifications.js"), "notificationsView")],
  [/^\/embed$/, embedView],
  [/^\/embed\/signin$/, lazy(() => import("./views/embedSignin.js"), "embedSigninView")],
  [/^\/search$/, lazy(() => import("./views/search.js"), "searchView")],
  [/^\/signin$/, (ctx) => signInView(ctx, "signin")],
  [/^\/signup$/, (ctx) => signInView(ctx, "signup")],
];

export const app = { configReady: null, cleanup: null, renderedPath: null };

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render();
}

async function render() {
  flushDrafts();  // the boxes of the page being left keep their text for the way back
  if (typeof app.cleanup === "function") app.cleanup();
  app.cleanup = null;
  dismissToast();  // a toast belongs to the page it was said on
  app.renderedPath = location.pathname + location.search;
  const main = document.getElementById("main");
  clear(main);
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const params = new URLSearchParams(location.search);
  let view = notFoundView;
  let match = null;
  for (const [pattern, fn] of ROUTES) {
    match = pattern.exec(path);
    if (match) { view = fn; break; }
  }
  const ctx = { main, params, match: match ? match.slice(1) : [], navigate, configReady: app.configReady, session };
  window.scrollTo(0, 0);
  try {
    app.cleanup = await view(ctx);
  } catch (error) {
    main.append(h("div.error", { role: "alert" }, h("p", `Something went wrong: ${error.message}`)));
  }
  const heading = main.querySelector("h1");
  if (heading) {
    document.title = `${heading.textContent} · Hearth`;
    // A view draws its form before its last chunk loads: someone already typing in it keeps
    // their focus (moving it to the heading mid-keystroke would drop what they type).
    if (render.count++ && !main.contains(document.activeElement)) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }
  updateNav();
  syncSearchBox();
  if (!embed.on) refreshUnread();
}
render.count = 0;

// The header: the primary action always in view; the other account links inline on wide screens
// and behind a menu button on narrow ones (one row at 360 px).
function updateNav() {
  const nav = document.getElementById("account");
  clear(nav);
  if (embed.on) { embedNav(nav); return; }
  const here = location.pathname;
  const link = (href, text) => h("a", { href, "aria-current": here === href ? "page" : null }, text);
  if (session.user) {
    const handle = session.profile?.handle;
    const menu = h("ul.account-menu", { id: "account-menu" },
      h("li", link("/bookmarks", "Bookmarks")),
      isModerator() ? h("li", moderationLink(link)) : null,
      handle ? h("li", link(`/u/${handle}`, `@${handle}`)) : null,
      h("li", link("/settings", "Settings")),
      h("li", h("button.linklike", { type: "button", onclick: async () => { await signOut(); navigate("/"); announce("Signed out."); } }, "Sign out")));
    const toggle = h("button.menu-button", { type: "button", "aria-expanded": "false", "aria-controls": "account-menu", "aria-label": "Menu" }, icon("menu"));
    toggle.addEventListener("click", () => setMenuOpen(!nav.classList.contains("open")));
    // On a phone "thread" is hidden visually (not from screen readers) so that the row holds.
    nav.append(h("a.button.primary.new-thread", { href: "/new" }, "New", h("span.long", " thread")), bellLink(here), toggle, menu);
  } else {
    nav.append(h("a.nav-link", { href: signInHref("/signin"), "aria-current": here === "/signin" ? "page" : null }, "Sign in"),
      h("a.button.primary", { href: signInHref("/signup") }, "Sign up"));
  }
}

/** The Moderation link, with how many queue entries wait for a decision (GET /api/me says, for moderators). */
function moderationLink(link) {
  const n = Math.max(0, Number(session.profile?.pendingModeration) || 0);
  const a = link("/mod/queue", "Moderation");
  if (n) {
    a.append(" ", h("span.pending-count", { "aria-hidden": "true" }, n >= 100 ? "99+" : String(n)));
    a.setAttribute("aria-label", `Moderation (${n >= 100 ? "more than 99" : n} waiting)`);
  }
  return a;
}

// The frame's header: who is signed in, or three ways in. "Continue with Hearth" opens Hearth's
// sign-in window (top-level, Hearth's own storage), which hands the session over (views/embedSignin.js).
function embedNav(nav) {
  const back = location.pathname + location.search;
  if (session.user) {
    const handle = session.profile?.handle;
    nav.append(handle ? h("a", { href: `/u/${handle}` }, `@${handle}`) : null,
      h("button.linklike", { type: "button", onclick: async () => { await signOut(); navigate(back, { replace: true }); } }, "Sign out"));
    return;
  }
  if (location.pathname !== "/embed") return;
  nav.append(
    h("button.linklike.continue-hearth", { type: "button", onclick: openSigninWindow }, "Continue with Hearth"),
    h("a.nav-link", { href: signInHref("/signin") }, "Sign in"),
    h("a.button.primary", { href: signInHref("/signup") }, "Sign up"));
}

let signinWindow = null;

function openSigninWindow() {
  signinWindow = window.open("/embed/signin", "hearth-signin", "popup,width=480,height=640");
  if (!signinWindow) announce("Your browser blocked Hearth's sign-in window: use Sign in here instead.");
}

// The sign-in window (same origin, our own popup) hands over a one-time token.
function listenForSession() {
  addEventListener("message", async (event) => {
    if (event.origin !== location.origin || !signinWindow || event.source !== signinWindow || event.data?.hearth !== "session") return;
    try {
      await signInWithToken(event.data.token);
      await refreshProfile();
      navigate(location.pathname + location.search, { replace: true });
      announce(session.profile ? `Signed in as @${session.profile.handle}.` : "Signed in.");
    } catch (error) {
      announce(`Could not sign in: ${error.message}`);
    }
  });
}

function setMenuOpen(open) {
  const nav = document.getElementById("account");
  nav?.classList.toggle("open", open);
  nav?.querySelector(".menu-button")?.setAttribute("aria-expanded", String(open));
}

// The menu closes on a click outside it, on Escape (focus back on its button) and on navigation.
document.addEventListener("click", (event) => {
  const nav = document.getElementById("account");
  if (nav?.classList.contains("open") && !nav.contains(event.target)) setMenuOpen(false);
});
document.addEventListener("keydown", (event) => {
  const nav = document.getElementById("account");
  if (event.key === "Escape" && nav?.classList.contains("open")) {
    setMenuOpen(false);
    nav.querySelector(".menu-button")?.focus();
  }
});

function interceptLinks() {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download")) return;
    if (a.classList.contains("skip-link")) {
      // Not a route: move the focus to the page's content (the URL stays as it is).
      event.preventDefault();
      const main = document.getElementById("main");
      main.focus();
      main.scrollIntoView();
      return;
    }
    const url = new URL(a.href, location.href);
    if (embed.on && !staysInFrame(url) && !(url.pathname + url.search === location.pathname + location.search && url.hash)) {
      // In another site's page the frame shows only its comments: anything else opens beside it.
      event.preventDefault();
      window.open(url.href, "_blank", "noopener");
      return;
    }
    if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/__/")) return;
    event.preventDefault();
    setMenuOpen(false);
    if (url.pathname + url.search === location.pathname + location.search && url.hash) {
      // An in-page link: the view decides what arriving there means (a comment is highlighted).
      if (url.hash !== location.hash) history.pushState(null, "", url.hash);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      return;
    }
    navigate(url.pathname + url.search + url.hash);
  });
  // Back or forward between two places on one page (#c-…) is the page's business, not a new render.
  window.addEventListener("popstate", () => {
    if (location.pathname + location.search !== app.renderedPath) render();
  });
}

export async function start() {
  app.configReady = loadConfig();
  configureAuth(app.configReady);
  const unavailable = (error) => announce(`Sign-in is unavailable: ${error.message}`);
  interceptLinks();
  startSearchBox(navigate);
  startFrame();
  if (embed.on) listenForSession();
  onSessionChange(updateNav);
  if (!embed.on) startBell();  // the frame has no bell: notifications link back to the article
  const returning = hasStoredSession();
  if (returning) {
    // A returning member: wait for Firebase Auth so the first requests carry their token.
    await ensureAuth().catch(unavailable);
    watchSession();
    await refreshProfile();
  } else {
    // A signed-out reader: draw the page first; Firebase Auth loads right after.
    watchSession();
    updateNav();
  }
  await render();
  document.documentElement.dataset.ready = "true";
  if (!returning) setTimeout(() => ensureAuth().catch(unavailable), 0);
}

// /embed/signin: Hearth's sign-in window for the embed. It is a top-level page on Hearth's own
// origin, so it has Hearth's own storage even where the frame under another site has none: a
// reader signed in to Hearth in this browser is handed over at once; anyone else signs in here
// first. It gives the frame (its opener, same origin) a one-time custom token, then closes.
import { h } from "../dom.js";
import { api } from "../api.js";
import { ensureAuth } from "../auth.js";
import { refreshProfile, session } from "../session.js";
import { errorBlock, loading } from "../ui.js";

export async function embedSigninView({ main, navigate }) {
  const opener = window.opener;
  let ours;
  try {
    ours = !!opener && opener.location.origin === location.origin;  // another origin's window throws
  } catch {
    ours = false;
  }
  if (!ours) {
    main.append(h("h1", "Sign in for a comment section"), h("p", "This window signs you in to Hearth's comments on another site. Open it from a comment section's “Continue with Hearth”."));
    return;
  }
  const status = loading("Checking your Hearth account…");
  main.append(status);
  await ensureAuth().catch(() => {});
  if (!session.user) await refreshProfile();
  if (!session.user) {
    navigate(`/signin?next=${encodeURIComponent("/embed/signin")}`, { replace: true });
    return;
  }
  try {
    const { customToken } = await api.embedSession();
    status.replaceWith(h("h1", session.profile ? `Continuing as @${session.profile.handle}…` : "Continuing…"));
    opener.postMessage({ hearth: "session", token: customToken }, location.origin);
    setTimeout(() => window.close(), 300);
  } catch (error) {
    status.replaceWith(h("div", h("h1", "Could not sign the comments in"), errorBlock(error, () => navigate("/embed/signin", { replace: true }))));
  }
}

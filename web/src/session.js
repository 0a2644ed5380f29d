// Who is reading: the Firebase user and their Hearth profile (GET /api/me), kept in one place.
import { api } from "./api.js";
import { currentUser, onUserChange, signOut } from "./auth.js";

export const session = { user: null, profile: null };
const listeners = new Set();

export function onSessionChange(fn) {
  listeners.add(fn);
}

export async function refreshProfile() {
  session.user = currentUser();
  session.profile = null;
  if (session.user) {
    try {
      session.profile = await api.me();
    } catch (error) {
      session.profile = null;
      if (error.status === 401) {
        // A stored session the server no longer accepts (revoked, or a restarted emulator).
        session.user = null;
        signOut().catch(() => {});
      }
    }
  }
  listeners.forEach((fn) => fn(session));
  return session.profile;
}

export function setProfile(profile) {
  session.profile = profile;
  listeners.forEach((fn) => fn(session));
}

export function watchSession() {
  let lastUid = currentUser()?.uid ?? null;
  onUserChange((user) => {
    const uid = user?.uid ?? null;
    if (uid !== lastUid) {
      lastUid = uid;
      refreshProfile();
    }
  });
}

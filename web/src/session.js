// Who is reading: the Firebase user and their Hearth profile (GET /api/me), kept in one place.
import { api } from "./api.js";
import { currentUser, onUserChange } from "./auth.js";

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
    } catch {
      session.profile = null;
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

// Auth for the rest of the app. The Firebase SDK (firebase-auth.js) is imported on demand: a
// reader with no stored session gets the first page before it loads (it loads once the page is
// drawn, or when they sign in); one with a stored session (Firebase keeps it in localStorage
// under "firebase:authUser:…") waits for it, so that requests carry their token.
let sdk = null;
let ready = null;
let configPromise = null;
const listeners = new Set();

export function hasStoredSession() {
  try {
    return Object.keys(localStorage).some((key) => key.startsWith("firebase:authUser:"));
  } catch {
    return false;
  }
}

/** Say where the config comes from; Firebase Auth loads on the first ensureAuth(). */
export function configureAuth(config) {
  configPromise = config;
}

/** Load Firebase Auth (once); resolves once the signed-in user (if any) is known. */
export function ensureAuth() {
  if (!ready) {
    ready = configPromise.then(async (config) => {
      const module = await import("./firebase-auth.js");
      await module.init(config, (user) => listeners.forEach((fn) => fn(user)));
      sdk = module;
    });
  }
  return ready;
}

async function loaded() {
  await ensureAuth();
  if (!sdk) throw Object.assign(new Error("Sign-in is unavailable right now."), { code: "auth/unavailable" });
  return sdk;
}

export function currentUser() {
  return sdk ? sdk.currentUser() : null;
}

export function onUserChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The ID token for API calls, or null when signed out. */
export async function idToken() {
  if (!sdk) {
    if (!hasStoredSession()) return null;
    try {
      await ensureAuth();
    } catch {
      return null;
    }
  }
  const user = currentUser();
  return user ? user.getIdToken() : null;
}

export const signUp = async (email, password) => (await loaded()).signUp(email, password);
export const signIn = async (email, password) => (await loaded()).signIn(email, password);
export const signInWithGoogle = async (options) => (await loaded()).signInWithGoogle(options);
export const signOut = async () => (await loaded()).signOut();
export const resetPassword = async (email, continueUrl) => (await loaded()).resetPassword(email, continueUrl);
export const signInWithToken = async (token) => (await loaded()).signInWithToken(token);
export const sendVerificationEmail = async () => (await loaded()).sendVerificationEmail();

const AUTH_MESSAGES = {
  "auth/invalid-email": ["email", "That email address does not look right."],
  "auth/missing-email": ["email", "Enter your email address."],
  "auth/email-already-in-use": ["email", "An account with this email exists: sign in instead."],
  "auth/weak-password": ["password", "Use a password of at least 6 characters."],
  "auth/missing-password": ["password", "Enter your password."],
  "auth/wrong-password": ["password", "Wrong email or password."],
  "auth/invalid-credential": ["password", "Wrong email or password."],
  "auth/invalid-login-credentials": ["password", "Wrong email or password."],
  "auth/user-not-found": ["email", "No account with this email: sign up instead."],
  "auth/too-many-requests": [null, "Too many attempts; wait a minute and try again."],
  "auth/network-request-failed": [null, "Could not reach the sign-in service. Check your connection and try again."],
  "auth/popup-closed-by-user": [null, "The sign-in window was closed before signing in."],
  "auth/popup-blocked": [null, "The browser blocked the sign-in window; allow pop-ups for this site."],
  "auth/unavailable": [null, "Sign-in is unavailable right now; reload the page to try again."],
  "auth/unauthorized-continue-uri": [null, "Password reset is not set up for this site yet; ask its administrators."],
};

/** {field, message} for a Firebase Auth error. */
export function describeAuthError(error) {
  const [field, message] = AUTH_MESSAGES[error && error.code] || [null, "Sign-in failed: " + ((error && error.code) || "unknown error")];
  return { field, message };
}

// Firebase Auth: the one module that knows about the Firebase SDK.
import { initializeApp } from "firebase/app";
import {
  browserLocalPersistence,
  browserPopupRedirectResolver,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  initializeAuth,
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut as fbSignOut,
} from "firebase/auth";

let auth = null;
const listeners = new Set();

export async function initAuth(config) {
  const app = initializeApp(config.firebase);
  auth = initializeAuth(app, { persistence: browserLocalPersistence, popupRedirectResolver: browserPopupRedirectResolver });
  if (config.authEmulatorUrl) connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
  await auth.authStateReady();
  onIdTokenChanged(auth, (user) => listeners.forEach((fn) => fn(user)));
  return auth.currentUser;
}

export function currentUser() {
  return auth ? auth.currentUser : null;
}

export function onUserChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The ID token for API calls, or null when signed out. */
export async function idToken() {
  const user = currentUser();
  return user ? user.getIdToken() : null;
}

export const signUp = (email, password) => createUserWithEmailAndPassword(auth, email, password);
export const signIn = (email, password) => signInWithEmailAndPassword(auth, email, password);
export const signInWithGoogle = () => signInWithPopup(auth, new GoogleAuthProvider());
export const signOut = () => fbSignOut(auth);

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
};

/** {field, message} for a Firebase Auth error. */
export function describeAuthError(error) {
  const [field, message] = AUTH_MESSAGES[error && error.code] || [null, "Sign-in failed: " + ((error && error.code) || "unknown error")];
  return { field, message };
}

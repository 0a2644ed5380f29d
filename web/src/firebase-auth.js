// Firebase Auth itself: loaded on demand by auth.js (its own bundle chunk), so a signed-out
// reader's first page does not wait for the SDK.
import { initializeApp } from "firebase/app";
import {
  browserLocalPersistence,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  initializeAuth,
  inMemoryPersistence,
  onIdTokenChanged,
  signInWithCustomToken,
  sendEmailVerification,
  sendPasswordResetEmail,
  signInWithEmailAndPassword,
  signInWithCredential,
  signOut as fbSignOut,
} from "firebase/auth";

let auth = null;

export async function init(config, onChange) {
  const app = initializeApp(config.firebase);
  // A frame under another site may be denied storage (Chromium's third-party storage blocking):
  // then the session lives in memory for the page's life (the sign-in window hands it over).
  auth = initializeAuth(app, { persistence: [browserLocalPersistence, inMemoryPersistence] });
  if (config.authEmulatorUrl) connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
  await auth.authStateReady();
  onIdTokenChanged(auth, onChange);
}

export const currentUser = () => (auth ? auth.currentUser : null);
export const signUp = (email, password) => createUserWithEmailAndPassword(auth, email, password);
export const signIn = (email, password) => signInWithEmailAndPassword(auth, email, password);

/** Google sign-in: the Auth emulator's fake Google account for `email`, or the real popup flow. */
export async function signInWithGoogle({ emulatorEmail = null } = {}) {
  if (emulatorEmail) {
    // The Auth emulator accepts an unsigned JSON "ID token" for an IdP credential.
    const claims = { sub: `emu-${emulatorEmail}`, email: emulatorEmail, email_verified: true };
    return signInWithCredential(auth, GoogleAuthProvider.credential(JSON.stringify(claims)));
  }
  const { popup } = await import("./firebase-google.js");
  return popup(auth);
}
export const signOut = () => fbSignOut(auth);

/** Firebase Auth's password-reset email; its link comes back to continueUrl (the sign-in page). */
export const resetPassword = (email, continueUrl) => sendPasswordResetEmail(auth, email, { url: continueUrl });
/** The embed's frame: the session Hearth's sign-in window handed over (POST /api/me/embed-session). */
export const signInWithToken = (token) => signInWithCustomToken(auth, token);
// The Auth emulator prints the verification link in its log instead of sending mail.
export const sendVerificationEmail = () => sendEmailVerification(auth.currentUser);

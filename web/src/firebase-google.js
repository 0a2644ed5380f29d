// Google's popup sign-in (production only): its own chunk, loaded when someone asks for it.
// It loads Google's iframe helper from apis.google.com, so a project enabling it must allow that
// origin in the Content-Security-Policy (see web/README.md).
import { browserPopupRedirectResolver, GoogleAuthProvider, signInWithPopup } from "firebase/auth";

export const popup = (auth) => signInWithPopup(auth, new GoogleAuthProvider(), browserPopupRedirectResolver);

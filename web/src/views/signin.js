import { h } from "../dom.js";
import { signIn, signUp, signInWithGoogle, describeAuthError } from "../auth.js";
import { refreshProfile, session } from "../session.js";
import { field, submitting, announce, safeNext } from "../ui.js";

export async function signInView({ main, params, navigate, configReady }, mode) {
  const signingUp = mode === "signup";
  const next = safeNext(params.get("next"));
  const other = signingUp ? "/signin" : "/signup";
  if (session.user) {
    main.append(h("h1", "You are signed in"), h("p", h("a", { href: next }, "Continue")));
    return;
  }
  const email = h("input", { id: "email", name: "email", type: "email", autocomplete: "email", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", required: true, minlength: 6,
    autocomplete: signingUp ? "new-password" : "current-password" });
  const done = async () => {
    const profile = await refreshProfile();
    navigate(signingUp ? `/settings?welcome=1&next=${encodeURIComponent(next)}` : next, { replace: true });
    announce(signingUp ? "Welcome to Hearth!" : `Signed in${profile ? ` as @${profile.handle}` : ""}.`);
  };
  const authError = (error) => Object.assign(new Error(), describeAuthError(error));
  const form = h("form.card.auth-form", { novalidate: true },
    field("Email", email),
    field("Password", password, signingUp ? "At least 6 characters." : null),
    h("div.form-actions", h("button.button.primary", { type: "submit" }, signingUp ? "Create account" : "Sign in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      try {
        await (signingUp ? signUp : signIn)(email.value.trim(), password.value);
      } catch (error) {
        throw authError(error);
      }
      await done();
    }, { fields: { email, password }, context: signingUp ? "signup" : "signin" });
  });
  const config = await configReady;
  const emulated = !!config.authEmulatorUrl;
  const google = h("button.button.google", { type: "button" }, emulated ? "Continue with Google (emulator test account)" : "Continue with Google");
  google.addEventListener("click", () => submitting(form, async () => {
    try {
      // On the emulator: the fake Google account for the email typed above (or a new one).
      const emulatorEmail = emulated ? (email.value.trim() || `google-${Date.now().toString(36)}@example.com`) : null;
      await signInWithGoogle({ emulatorEmail });
    } catch (error) {
      throw authError(error);
    }
    await done();
  }));
  main.append(
    h("h1", signingUp ? "Create your Hearth account" : "Sign in to Hearth"),
    h("p", signingUp ? "Already have an account? " : "New here? ", h("a", { href: `${other}?next=${encodeURIComponent(next)}` }, signingUp ? "Sign in" : "Create an account")),
    form,
    config.googleSignIn ? h("div.alt-signin", h("p.muted", "or"), google,
      emulated ? h("p.hint", "Local Auth emulator: signs in a fake Google account for the email above.") : null) : null,
  );
  email.focus();
}

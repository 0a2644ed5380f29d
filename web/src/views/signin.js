import { h } from "../dom.js";
import { signIn, signUp, signInWithGoogle, describeAuthError, resetPassword } from "../auth.js";
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
  const forgot = signingUp ? null : forgotPassword(email, emulated);
  main.append(
    h("h1", signingUp ? "Create your Hearth account" : "Sign in to Hearth"),
    h("p", signingUp ? "Already have an account? " : "New here? ", h("a", { href: `${other}?next=${encodeURIComponent(next)}` }, signingUp ? "Sign in" : "Create an account")),
    form,
    forgot,
    config.googleSignIn ? h("div.alt-signin", h("p.muted", "or"), google,
      emulated ? h("p.hint", "Local Auth emulator: signs in a fake Google account for the email above.") : null) : null,
  );
  email.focus();
}

/**
 * "Forgot your password?": Firebase Auth emails a link to choose a new one (the local Auth emulator
 * prints it in its log instead). It says the same whether or not the address has an account, so
 * the form cannot be used to find out who is a member.
 */
function forgotPassword(signInEmail, emulated) {
  const toggle = h("button.linklike.forgot", { type: "button", "aria-expanded": "false" }, "Forgot your password?");
  const done = h("p.notice", { role: "status", hidden: true });
  const wrap = h("div.forgot-password", toggle, done);
  let form = null;  // made when asked for, so that the page has one "Email" field until then
  toggle.addEventListener("click", () => {
    if (form) {
      form.remove();
      form = null;
      toggle.setAttribute("aria-expanded", "false");
      return;
    }
    form = resetForm(signInEmail.value.trim(), emulated, done);
    toggle.after(form);
    toggle.setAttribute("aria-expanded", "true");
    form.querySelector("input").focus();
  });
  return wrap;
}

function resetForm(address, emulated, done) {
  const email = h("input", { id: "reset-email", name: "email", type: "email", autocomplete: "email", required: true, value: address });
  const form = h("form.card.reset-form", { novalidate: true, "aria-labelledby": "reset-heading" },
    h("h2", { id: "reset-heading" }, "Reset your password"),
    h("p", "Enter the email address of your account: we will send it a link to choose a new password."),
    field("Email", email),
    h("div.form-actions", h("button.button.primary", { type: "submit" }, "Send the link")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    done.hidden = true;
    submitting(form, async () => {
      const to = email.value.trim();
      try {
        await resetPassword(to, `${location.origin}/signin`);
      } catch (error) {
        // "No such account" is not said: the answer must not tell who has an account here.
        if (error?.code !== "auth/user-not-found") throw Object.assign(new Error(), describeAuthError(error));
      }
      done.textContent = `If ${to} belongs to an account, a link to choose a new password is on its way. Check your inbox (and spam folder).`
        + (emulated ? " On the local stack the Auth emulator prints the link in its log instead of sending mail." : "");
      done.hidden = false;
    }, { fields: { email } });
  });
  return form;
}

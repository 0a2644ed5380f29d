import { h } from "../dom.js";
import { api } from "../api.js";
import { session } from "../session.js";
import { field, submitting, signInHref, announce } from "../ui.js";
import { markdownEditor } from "../markdown.js";
import { suspensionNotice } from "./moderation.js";
import { parseTags } from "../messages.js";
import { LIMITS } from "../limits.js";
import { clearDraft, keepDraft, loadDraft } from "../drafts.js";

const DRAFT = "new-thread";

export function composeView({ main, navigate }) {
  main.append(h("h1", "Start a discussion"));
  if (!session.user) {
    main.append(h("p.signin-prompt", "You need an account to post. ", h("a", { href: signInHref() }, "Sign in or sign up"), " to start a thread."));
    return;
  }
  if (session.profile?.suspension) {
    main.append(suspensionNotice(session.profile.suspension, { own: true }));
    return;
  }
  const title = h("input", { id: "title", name: "title", required: true, maxlength: LIMITS.title, autocomplete: "off" });
  const body = markdownEditor({ name: "body", id: "body", label: "Body", rows: 12, placeholder: "What do you want to talk about?" });
  const tags = h("input", { id: "tags", name: "tags", autocomplete: "off", placeholder: "firebase testing" });
  const form = h("form.card.compose", { novalidate: true },
    field("Title", title),
    body,
    field("Tags", tags, "Up to 4, separated by spaces: lowercase letters, digits and '-'."),
    h("div.form-actions", h("button.button.primary", { type: "submit" }, "Publish"), h("a.button.subtle", { href: "/" }, "Cancel")));
  // A thread half-written is kept (per member, in this browser) until it is published.
  const saved = loadDraft(DRAFT);
  if (saved && typeof saved === "object") {
    title.value = saved.title || "";
    body.textarea.value = saved.body || "";
    tags.value = saved.tags || "";
  }
  const read = () => ({ title: title.value, body: body.textarea.value, tags: tags.value });
  keepDraft(DRAFT, form, read, () => Object.values(read()).some((v) => v.trim()));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const thread = await api.createThread({ title: title.value, body: body.textarea.value, tags: parseTags(tags.value) });
      clearDraft(DRAFT);
      form.reset();  // nothing left to keep when the app moves on
      navigate(`/t/${thread.id}`);
      announce("Your thread is published.");
    }, { fields: { title, body: body.textarea, tags } });
  });
  main.append(form);
  title.focus();
}

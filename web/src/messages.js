// Words for people. The API answers with codes and fields ({code, message, field}); the UI says
// what happened in a sentence of its own, and each form field has its own rules and sentences,
// checked before anything is sent.

import { LIMITS } from "./limits.js";  // the API's own limits, generated from its Python

export const DAYS_MAX = 3650;  // the suspension form's own bound (the API takes any future time)
// The direction overrides and isolates the API refuses in names and titles (U+202A-E, U+2066-9).
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const BIDI_SENTENCE = "Remove the invisible text-direction characters (like U+202E) from it: they can disguise what it says.";
const TAG_RE = /^[a-z0-9-]{1,30}$/;
const count = (n) => n.toLocaleString("en-US");

/** A sentence for an API error without a field (or whose field has no words of its own). */
export function sentenceFor(status, code, apiMessage, retryAfter) {
  switch (code) {
    case "rate_limited":
      return `Slow down a little: try again in ${retryAfter || "a few"} seconds.`;
    case "unauthenticated":
      return "Your session has ended. Sign in again to continue.";
    case "forbidden":
      return /locked/i.test(apiMessage || "") ? "This thread is locked: no new comments." : "Only the author or a moderator can do that.";
    case "suspended":
      return "Your account is suspended: you can read, but not post, comment, react or report.";
    case "not_found":
      return "That is no longer here: it may have been deleted.";
    case "conflict":
      return "That is already taken. Try another.";
    case "payload_too_large":
      return "That is too long to send. Shorten it and try again.";
    case "busy":
      return "Hearth is busy with this right now. Try again in a moment.";
    case "internal":
      return "Something went wrong on our side. Try again.";
    case "network":
      return "Could not reach Hearth. Check your connection and try again.";
    case "invalid_argument":
      return "Something in the form needs a change.";
    default:
      return `That did not work (error ${status}). Try again.`;
  }
}

// Each field's rule: (value, context) → a sentence, or null when the value is fine.
const RULES = {
  title: (v) => {
    const t = v.trim();
    if (!t) return "Give your thread a title.";
    if (t.length > LIMITS.title) return `Shorten the title to ${LIMITS.title} characters or fewer (it has ${count(t.length)}).`;
    if (BIDI.test(t)) return `The title has hidden characters. ${BIDI_SENTENCE}`;
    return null;
  },
  body: (v, ctx) => {
    const t = v.trim();
    if (!t) return ctx === "comment" ? "Write your comment before sending it." : "Write something in the body.";
    if (t.length > LIMITS.body) return `Shorten the text to ${count(LIMITS.body)} characters or fewer (it has ${count(t.length)}).`;
    return null;
  },
  tags: (v) => {
    const tags = parseTags(v);
    if (tags.length > LIMITS.tags) return `Use at most ${LIMITS.tags} tags (there are ${tags.length}).`;
    const bad = tags.find((t) => !TAG_RE.test(t));
    if (bad) return `“${bad}” cannot be a tag: use lowercase letters, digits and “-”, up to 30 characters.`;
    const repeated = tags.find((t, i) => tags.indexOf(t) !== i);
    if (repeated) return `The tag “${repeated}” is there twice; keep one.`;
    return null;
  },
  email: (v) => {
    const t = v.trim();
    if (!t) return "Enter your email address.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t)) return "Enter an email address like name@example.com.";
    return null;
  },
  password: (v, ctx) => {
    if (!v) return "Enter your password.";
    if (ctx === "signup" && v.length < 6) return "Use a password of at least 6 characters.";
    return null;
  },
  handle: (v) => {
    const t = v.trim();
    if (!t) return "Choose a handle.";
    if (!/^[a-z0-9_]{3,30}$/.test(t)) return "Use 3 to 30 lowercase letters, digits or “_” for your handle.";
    return null;
  },
  displayName: (v) => {
    const t = v.trim();
    if (!t) return "Enter the name others will see.";
    if (t.length > LIMITS.displayName) return `Keep your name to ${LIMITS.displayName} characters or fewer.`;
    if (BIDI.test(t)) return `Your name has hidden characters. ${BIDI_SENTENCE}`;
    return null;
  },
  // The tag filter of the thread list: one tag.
  tag: (v) => {
    const t = v.trim().replace(/^#/, "").toLowerCase();
    return t && !TAG_RE.test(t) ? `“${t}” is not a tag: tags are up to 30 lowercase letters, digits and “-”.` : null;
  },
  // A moderator's suspension form: a reason, and a number of days (sent as the time it ends, `until`).
  reason: (v) => {
    const t = v.trim();
    if (!t) return "Say why: the member sees this reason.";
    if (t.length > LIMITS.reason) return `Keep the reason to ${LIMITS.reason} characters or fewer.`;
    return null;
  },
  until: (v) => {
    const n = Number(v);
    return v.trim() && Number.isInteger(n) && n >= 1 && n <= DAYS_MAX ? null : `Suspend for a whole number of days, 1 to ${count(DAYS_MAX)}.`;
  },
  bio: (v) => (v.trim().length > LIMITS.bio ? `Keep your bio to ${LIMITS.bio} characters or fewer (it has ${count(v.trim().length)}).` : null),
};

// What to say when the API refuses a field that passed the rules above (rules can drift).
const FIELD_FALLBACK = {
  title: `Check the title: it needs 1 to ${LIMITS.title} characters.`,
  body: `Check the text: it needs 1 to ${count(LIMITS.body)} characters.`,
  tags: `Check the tags: up to ${LIMITS.tags}, of lowercase letters, digits and “-”.`,
  handle: "Check the handle: 3 to 30 lowercase letters, digits or “_”.",
  displayName: `Check the name: 1 to ${LIMITS.displayName} characters.`,
  bio: `Check the bio: up to ${LIMITS.bio} characters.`,
  tag: "Check the tag: up to 30 lowercase letters, digits and “-”.",
  reason: `Check the reason: 1 to ${LIMITS.reason} characters, no control characters.`,
  until: "Check the number of days: the suspension must end in the future.",
  email: "Check the email address.",
  password: "Check the password.",
};

export function parseTags(text) {
  return text.split(/[\s,]+/).map((t) => t.replace(/^#/, "").toLowerCase()).filter(Boolean);
}

/** The rule's sentence for a field's value, or null. */
export function checkField(name, value, context) {
  const rule = RULES[name];
  return rule ? rule(value, context) : null;
}

/** A sentence for an API error that names a field. */
export function fieldSentence(error, value, context) {
  if (!error.status) return error.message;  // not from the API (e.g. Firebase Auth's, already in words)
  if (error.code === "conflict" && error.field === "handle") return "That handle is taken. Try another.";
  if (error.code === "not_found" && error.field === "parentId") return "The comment you are replying to was deleted.";
  return checkField(error.field, value ?? "", context) || apiReason(error.apiMessage, value ?? "") || FIELD_FALLBACK[error.field] || error.message;
}

/** The API's reason for refusing a field, in the UI's words, when the rules above could not tell. */
function apiReason(apiMessage, value) {
  const m = apiMessage || "";
  if (/bidirectional/.test(m) && BIDI.test(value)) return `It has hidden characters. ${BIDI_SENTENCE}`;
  if (/control characters/.test(m)) return "Remove the control characters from it (invisible characters other than tab and new line).";
  if (/visible character/.test(m)) return "Write at least one visible character: spaces and invisible characters alone do not count.";
  return null;
}

// Moderation in the UI: reporting with a reason, hiding and restoring with a reason, the placeholder
// of a hidden item, the suspension notice, and the moderators' queue and log pages.
import { append, h, timeEl, dateEl, plural } from "../dom.js";
import { sendVerificationEmail } from "../auth.js";
import { api } from "../api.js";
import { pagedList } from "./threadItem.js";
import { LIMITS } from "../limits.js";
import { session } from "../session.js";
import { announce, profileHref, requireSignIn, signInHref } from "../ui.js";

export const REPORT_REASONS = [["spam", "Spam"], ["abuse", "Abuse or harassment"], ["off_topic", "Off topic"], ["other", "Something else"]];
export const HIDE_REASONS = [["spam", "Spam"], ["abuse", "Abuse"], ["off_topic", "Off topic"], ["outdated", "Outdated"], ["other", "Other"]];
const REASON_TEXT = { spam: "spam", abuse: "abuse", off_topic: "off topic", outdated: "outdated", other: "other", flagged: "flagged by readers" };
const BY_TEXT = { moderators: "moderators", thread_author: "the thread's author", reports: "readers' reports" };

export const isModerator = () => session.profile?.role === "moderator";

/** "hidden by moderators: spam": why a hidden item is hidden (never who, by name). */
export function hiddenText(hidden) {
  if (hidden?.by === "approval") return "waiting for a moderator's approval (a new member's first comment)";
  // Readers' reports have one reason ("flagged"): saying it again ("…reports: flagged by readers") says nothing.
  if (hidden?.by === "reports" && (!hidden.reason || hidden.reason === "flagged")) return "hidden after several readers reported it";
  return `hidden by ${BY_TEXT[hidden?.by] || "moderators"}: ${REASON_TEXT[hidden?.reason] || hidden?.reason || "no reason given"}`;
}

/** The placeholder of a hidden comment or thread, for readers who may not see its text. */
export function hiddenPlaceholder(hidden) {
  return h("p.tombstone.hidden-placeholder", `This was ${hiddenText(hidden)}.`);
}

/** For the author and moderators, who still see a hidden item: whose eyes it is for, and why. */
export function hiddenBanner(hidden) {
  if (hidden?.by === "approval") {
    return h("p.notice.hidden-banner", { role: "note" }, "Only its author and moderators see this until a moderator approves it: new members' comments wait for approval.");
  }
  return h("p.notice.hidden-banner", { role: "note" }, `Only its author and moderators see this: it was ${hiddenText(hidden)}.`);
}

/** Whether the signed-in member is suspended now (a suspension ends by itself at `until`). */
export const isSuspended = () => {
  const until = session.profile?.suspension?.until;
  return !!until && Date.parse(until) > Date.now();
};

/** The suspension notice (a profile, and the compose box of a suspended member): until a date, not "in 24 hours". */
export function suspensionNotice(suspension, { own = false } = {}) {
  return h("p.notice.suspension", { role: "note" },
    own ? "Your account is suspended until " : "Suspended until ", dateEl(suspension.until),
    `: ${suspension.reason}`, own ? ". You can read, but not post, comment, react or report." : "");
}

/**
 * A small form with a reason picker, placed as a block right after `after` (under a post's row of
 * actions, never inside it); Cancel, or sending it, gives the focus back to `returnFocus`.
 */
function reasonForm({ after, returnFocus, legend, reasons, withNote, submitLabel, onSubmit }) {
  const open = after.nextElementSibling?.classList.contains("reason-form") ? after.nextElementSibling : null;
  if (open?.dataset.legend === legend) {
    open.querySelector("select").focus();
    return;
  }
  open?.remove();  // one reason form per post: Hide replaces an open Report form
  const id = `reason-${Math.random().toString(36).slice(2, 8)}`;
  const select = h("select", { id, name: "reason", required: true },
    h("option", { value: "" }, "Choose a reason…"), reasons.map(([v, label]) => h("option", { value: v }, label)));
  const note = withNote ? h("textarea", { id: `${id}-note`, name: "note", rows: 2, maxlength: LIMITS.note }) : null;
  const error = h("p.form-error", { role: "alert", hidden: true });
  const submit = h("button.button.primary", { type: "submit" }, submitLabel);
  const back = () => { if (returnFocus?.isConnected) returnFocus.focus(); };
  const form = h("form.reason-form", { novalidate: true, dataset: { legend } },
    h("label", { for: id }, legend), select,
    note ? h("label", { for: `${id}-note` }, "Anything moderators should know? (optional)") : null, note,
    error,
    h("div.form-actions", submit, h("button.button.subtle", { type: "button", onclick: () => { form.remove(); back(); } }, "Cancel")));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.stopPropagation(); form.remove(); back(); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!select.value) {
      error.hidden = false;
      error.textContent = "Choose a reason.";
      select.focus();
      return;
    }
    submit.disabled = true;
    try {
      await onSubmit(select.value, note ? note.value.trim() : "");
      form.remove();
      back();
    } catch (err) {
      submit.disabled = false;
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  after.after(form);
  select.focus();
}

/** Why a report only reaches the moderators (it cannot hide the post by itself), and for an
 *  unverified account, a button that sends the verification email. */
export function reportWaits(why) {
  const note = h("p.report-waits", { role: "status" });
  if (why === "unverified_email") {
    const send = h("button.linklike.verify-email", { type: "button" }, "Send me the verification email");
    send.addEventListener("click", async () => {
      send.disabled = true;
      try {
        await sendVerificationEmail();
        send.replaceWith("Sent: follow the link in it, then your reports count.");
      } catch (err) {
        send.disabled = false;
        send.after(` (${err.message})`);
      }
    });
    append(note, ["Your report goes to the moderators, but it cannot hide the post until your email address is verified. ", send]);
  } else {
    append(note, ["Your report goes to the moderators; reports from new accounts count toward hiding a post after a day."]);
  }
  return note;
}

/**
 * "Report" (a menu item) for a signed-in reader: the reason picker opens under `row()` (the post's
 * action row); once sent the item reads "Reported" and does nothing more.
 */
export function reportAction(item, what, row) {
  return {
    label: "Report",
    onSelect: ({ anchor, itemEl }) => {
      if (!requireSignIn(`report this ${what}`)) return;
      reasonForm({
        after: row(), returnFocus: anchor, legend: `Why are you reporting this ${what}?`, reasons: REPORT_REASONS, withNote: true,
        submitLabel: "Send report",
        onSubmit: async (reason, note) => {
          const filed = await api.report(item, reason, note);
          itemEl.textContent = "Reported";
          itemEl.setAttribute("aria-disabled", "true");
          announce("Thanks: moderators will look at your report.");
          if (filed && filed.countsTowardHiding === false) row().after(reportWaits(filed.waitsBecause));
        },
      });
    },
  };
}

/** "Hide" (a menu item) with a reason picker under `row()`, for moderators (and a thread's author, on others' comments). */
export function hideAction(item, what, row, onChange) {
  return {
    label: "Hide",
    danger: true,
    onSelect: ({ anchor }) => reasonForm({
      after: row(), returnFocus: anchor, legend: `Why hide this ${what}?`, reasons: HIDE_REASONS, withNote: false, submitLabel: "Hide",
      onSubmit: async (reason) => {
        const updated = await api.hide(item, reason);
        announce(`The ${what} is hidden.`);
        onChange(updated);
      },
    }),
  };
}

export function restoreButton(item, what, onChange) {
  const button = h("button.linklike.restore", { type: "button" }, "Restore");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const updated = await api.restore(item);
      announce(`The ${what} is visible again.`);
      onChange(updated);
    } catch (error) {
      button.disabled = false;
      announce(error.message);
    }
  });
  return button;
}

function guard(main) {
  if (!session.user) {
    main.append(h("p", h("a", { href: signInHref() }, "Sign in"), " as a moderator to see this page."));
    return false;
  }
  if (!isModerator()) {
    main.append(h("p", "Only moderators can see this page."));
    return false;
  }
  return true;
}

/** A thread's title as moderators see it (the API names it; a missing one was deleted for good). */
const threadName = (title) => (title ? `“${title}”` : "a thread that is gone");

const itemHref = (target) => target.commentId ? `/t/${target.threadId}#c-${target.commentId}` : `/t/${target.threadId}`;

function queueEntry(entry, redraw) {
  const target = entry.target;
  const what = target.kind === "comment" ? "comment" : "thread";
  const status = entry.itemStatus === "hidden" ? hiddenText(entry.hidden) : entry.itemStatus;
  const actions = h("div.queue-actions");
  const act = async (action, reason) => {
    actions.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const updated = await api.modAction(entry.id, action, reason);
      announce({ dismiss: "Reports dismissed.", hide: `The ${what} is hidden.`, approve: `The ${what} is approved.` }[action]
        || `The ${what} is visible again.`);
      redraw(updated);
    } catch (error) {
      actions.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      announce(error.message);
    }
  };
  if (entry.state === "open") {
    const hide = h("button.button.danger", { type: "button" }, "Hide");
    hide.addEventListener("click", () => reasonForm({
      after: actions, returnFocus: hide, legend: `Why hide this ${what}?`, reasons: HIDE_REASONS, withNote: false, submitLabel: "Hide",
      onSubmit: (reason) => act("hide", reason),
    }));
    if (entry.approval && entry.itemStatus === "hidden") {
      actions.append(h("button.button.primary", { type: "button", onclick: () => act("approve") }, "Approve"), hide);
    } else {
      actions.append(
        h("button.button", { type: "button", onclick: () => act("dismiss") }, "Dismiss reports"),
        entry.itemStatus === "hidden" ? h("button.button", { type: "button", onclick: () => act("restore") }, "Restore") : hide);
    }
  }
  return h("li.queue-item.card", { dataset: { key: entry.id } },
    h("p.meta", h("span.badge", what), " ", entry.item?.author ? `by @${entry.item.author.handle} · ` : "",
      plural(entry.reportCount, "report"), " · last ", timeEl(entry.lastReportedAt),
      entry.autoHidden ? h("span.badge", "Auto-hidden") : null, entry.approval ? h("span.badge", "First post") : null),
    h("h2", h("a", { href: itemHref(target) }, entry.item?.title || entry.item?.excerpt || "(no text)")),
    entry.item?.title && entry.item?.excerpt ? h("p.excerpt", entry.item.excerpt) : null,
    what === "comment" ? h("p.meta.in-thread", "In ", h("a", { href: `/t/${target.threadId}` }, threadName(entry.threadTitle))) : null,
    h("p.item-status", `Now: ${status}`),
    h("ul.reports", { "aria-label": "Reports" }, (entry.reports || []).map((r) => h("li",
      h("strong", REASON_TEXT[r.reason] || r.reason), ` from @${r.reporter?.handle || "someone"} `, timeEl(r.createdAt),
      r.note ? h("q", r.note) : null))),
    entry.resolution ? h("p.meta", `Resolved: ${entry.resolution.action} by @${entry.resolution.by || "a moderator"} `, timeEl(entry.resolution.at)) : null,
    actions);
}

/** /mod/queue: reported and auto-hidden items, newest first, with their reports and the actions. */
export async function queueView({ main, params }) {
  const state = params.get("state") === "resolved" ? "resolved" : "open";
  main.append(h("h1", "Moderation queue"));
  if (!guard(main)) return;
  main.append(h("nav.subnav", { "aria-label": "Queue" },
    h("a", { href: "/mod/queue", "aria-current": state === "open" ? "page" : null }, "Waiting"),
    h("a", { href: "/mod/queue?state=resolved", "aria-current": state === "resolved" ? "page" : null }, "Resolved"),
    h("a", { href: "/mod/log" }, "Log")));
  const list = pagedList({
    label: "Queue items",
    listTag: "ol.queue",
    loadingMessage: "Loading the queue…",
    emptyMessage: state === "open" ? "Nothing waits for a decision." : "Nothing resolved yet.",
    fetchPage: (cursor) => api.modQueue({ state, cursor }),
    renderItem: (entry) => {
      const li = queueEntry(entry, (updated) => li.replaceWith(queueEntry({ ...updated, reports: entry.reports }, () => {})));
      return li;
    },
  });
  main.append(list);
  await list.ready;
}

const ACTION_TEXT = { approve: "approved", hide: "hid", restore: "restored", auto_hide: "auto-hid", dismiss: "dismissed reports on", suspend: "suspended",
  unsuspend: "lifted the suspension of", lock: "locked", unlock: "unlocked", pin: "pinned", unpin: "unpinned" };

/** What a log entry acted on, by name: "@ada", "the thread “Title”", "a comment in “Title”". */
function logTarget(target, threadTitle) {
  if (!target) return "";
  if (target.kind === "user") return h("a", { href: profileHref(target) }, `@${target.handle}`);
  const name = threadName(threadTitle);
  return target.kind === "comment"
    ? h("span", h("a", { href: itemHref(target) }, "a comment"), " in ", h("a", { href: `/t/${target.threadId}` }, name))
    : h("span", "the thread ", h("a", { href: itemHref(target) }, name));
}

/** /mod/log: every moderation action, newest first. */
export async function logView({ main }) {
  main.append(h("h1", "Moderation log"));
  if (!guard(main)) return;
  main.append(h("nav.subnav", { "aria-label": "Queue" }, h("a", { href: "/mod/queue" }, "Queue"),
    h("a", { href: "/mod/log", "aria-current": "page" }, "Log")));
  const list = pagedList({
    label: "Moderation actions",
    listTag: "ol.mod-log",
    emptyMessage: "No moderation yet.",
    fetchPage: (cursor) => api.modLog(cursor),
    renderItem: (e) => h("li.log-entry", timeEl(e.at), " ",
      h("strong", e.actor ? `@${e.actor.handle || "a moderator"}` : "Hearth"), ` ${ACTION_TEXT[e.action] || e.action} `,
      logTarget(e.target, e.threadTitle), e.reason ? `: ${REASON_TEXT[e.reason] || e.reason}` : "",
      e.until ? h("span", " until ", dateEl(e.until)) : null),
  });
  main.append(list);
  await list.ready;
}

// The comment tree of a thread: pages of root comments with nested replies (to depth 3),
// inline reply forms (with quote-reply), edit and delete of one's own comments, tombstones,
// "load more", and the drafts of every box (drafts.js).
import { h, append, setSanitizedHtml, timeEl, plural } from "../dom.js";
import { api } from "../api.js";
import { session } from "../session.js";
import { authorLink, reactionBar, requireSignIn, submitting, announce, signInHref, errorBlock, icon, actionMenu } from "../ui.js";
import { markdownEditor } from "../markdown.js";
import { commentUrl } from "../embedded.js";
import { clearDraft, draftPlaces, flushDrafts, keepDraft, loadDraft } from "../drafts.js";
import { blockedFold, isBlocked } from "../blocks.js";
import { editedMarker } from "../history.js";
import { hiddenPlaceholder, hiddenBanner, hideAction, isModerator, isSuspended, reportAction, restoreButton, suspensionNotice } from "./moderation.js";

const SORTS = [["top", "Top"], ["new", "Newest"], ["old", "Oldest"]];
const REVEAL_PAGES = 20;  // pages of a root's replies loaded, at most, to bring a linked reply into view

/** createRoot(body): how a root comment is posted (a page's first comment creates its thread). */
export function commentSection({ thread, firstPage = null, onCountChange, createRoot = null }) {
  const tid = thread.id;
  const nodes = new Map();
  let sort = "top";
  let cursor = null;
  const list = h("ol.comment-list", { "aria-label": "Comments" });
  const status = h("div.list-status", { "aria-live": "polite" });
  const more = h("button.button.load-more", { type: "button", hidden: true }, "Load more comments");
  const heading = h("h2", { id: "comments-heading" });
  const setHeading = (n) => { heading.textContent = `Comments (${n})`; };
  setHeading(thread.commentCount);

  const canModerate = (comment) => {
    const me = session.profile;
    return !!(me && comment.author && (me.uid === comment.author.uid || me.role === "moderator"));
  };

  // A thread's author may hide others' comments on it (and restore their own hides); moderators
  // any but their own. One's own comment has Delete, not Hide.
  const ownThread = () => !!(session.profile && thread.author && session.profile.uid === thread.author.uid);
  const isMine = (comment) => !!(session.profile && comment.author && session.profile.uid === comment.author.uid);
  const mayHide = (comment) => (isModerator() || ownThread()) && !isMine(comment);
  // A deleted (or hidden) thread takes no comments, like a locked one; a suspended member writes nothing.
  const closed = thread.locked || thread.status !== "visible";
  const suspended = isSuspended();
  const mayReply = () => !closed && !suspended;
  // Drafts of this thread's boxes, found once: each box reopens with its text when its comment is drawn.
  let draftsHere = new Set(draftPlaces(`t/${tid}/`));
  const place = (kind, cid) => `t/${tid}/${kind}${cid ? `/${cid}` : ""}`;
  const mayRestore = (comment) => isModerator() || (ownThread() && comment.hidden?.by === "thread_author");

  function bodyEl(comment) {
    if (comment.status === "deleted") return h("p.tombstone", "This comment was deleted.");
    if (comment.status === "hidden" && !comment.bodyHtml) return hiddenPlaceholder(comment.hidden);
    const body = setSanitizedHtml(h("div.comment-body.markdown"), comment.bodyHtml);
    return comment.status === "hidden" ? h("div", hiddenBanner(comment.hidden), body) : body;
  }

  function redraw(node, updated) {
    node.comment = { ...node.comment, ...updated, replies: undefined };
    drawArticle(node);
  }

  function renderComment(comment) {
    const li = h("li.comment", { id: `c-${comment.id}`, dataset: { depth: String(comment.depth), id: comment.id } });
    const children = h("ol.replies", { "aria-label": "Replies" });
    const node = { comment, li, children, loader: null, moreButton: null };
    nodes.set(comment.id, node);
    const article = h("article", { "aria-label": comment.author ? `Comment by ${comment.author.displayName}` : comment.status === "hidden" ? "Hidden comment" : "Deleted comment" });
    node.article = article;
    drawArticle(node);
    li.append(article, children);
    for (const reply of comment.replies || []) children.append(renderComment(reply));
    if (comment.depth === 1 && comment.moreReplies) li.append(moreRepliesButton(node));
    restoreDrafts(node);
    return li;
  }

  // A reply or an edit left half-written reopens, without taking the focus, when its comment is drawn.
  function restoreDrafts(node) {
    const { comment } = node;
    if (comment.status !== "visible") return;
    if (draftsHere.has(place("edit", comment.id)) && canModerate(comment)) openEdit(node, { focus: false });
    if (draftsHere.has(place("reply", comment.id)) && mayReply() && node.replyButton) openReply(node, node.replyButton, { focus: false });
  }

  function drawArticle(node) {
    const { comment, article } = node;
    const deleted = comment.status === "deleted";
    const hidden = comment.status === "hidden";
    if (!node.unfolded && !deleted && isBlocked(comment.author?.uid)) {
      article.replaceChildren(blockedFold("Comment", () => { node.unfolded = true; drawArticle(node); article.querySelector("a, button")?.focus(); }));
      return;
    }
    // One row: reactions, Reply (and Quote while text of the comment is selected) as buttons; the
    // rest in the "⋯" menu, so that the row keeps to one line on a phone.
    const actions = h("div.comment-actions");
    const row = () => actions;
    const item = { tid, cid: comment.id };
    node.replyButton = null;
    node.quoteButton = null;
    if (hidden && mayRestore(comment)) actions.append(restoreButton(item, "comment", (u) => { redraw(node, u); onCountChange(+1); }));
    const more = [];
    if (!deleted && !hidden) {
      actions.append(reactionBar({
        compact: true,
        label: "Reactions to this comment",
        counts: comment.reactionCounts,
        mine: comment.myReactions,
        toggle: (kind, on) => api.reactComment(tid, comment.id, kind, on),
        disabled: suspended ? "Your account is suspended: you cannot react." : null,
      }));
      if (mayReply()) {
        node.replyButton = h("button.linklike.reply", { type: "button", "aria-expanded": "false", onclick: (e) => openReply(node, e.currentTarget) }, "Reply");
        // Shown while the reader has selected text in this comment; keeps the selection on press.
        node.quoteButton = h("button.linklike.quote", { type: "button", hidden: true, "aria-label": "Quote the selected text in a reply",
          onmousedown: (e) => e.preventDefault(), onclick: () => quote(node) }, icon("quote"), h("span", "Quote"));
        actions.append(node.replyButton, node.quoteButton);
        more.push({ label: "Quote", onSelect: () => quote(node) });
      }
      if (canModerate(comment)) {
        more.push({ label: "Edit", onSelect: () => openEdit(node) },
          { label: "Delete", danger: true, onSelect: ({ anchor }) => confirmDelete(node, anchor) });
      }
      if (mayHide(comment)) more.push(hideAction(item, "comment", row, (u) => { redraw(node, u); onCountChange(-1); }));
      if (session.user && !isMine(comment) && !suspended) more.push(reportAction(item, "comment", row));
    }
    if (!deleted) more.push({ label: "Copy link", onSelect: () => copyLink(comment) });
    const menu = actionMenu(more, { label: "More actions on this comment" });
    if (menu) actions.append(menu);
    article.replaceChildren();
    const edited = comment.editedAt && !deleted && (!hidden || comment.bodyHtml) ? editedMarker(() => api.history(tid, comment.id), "comment") : null;
    append(article, [
      h("header.comment-meta",
        hidden && !comment.author ? h("span.author.deleted", "[hidden]") : authorLink(comment.author), " ", h("a.permalink", { href: `#c-${comment.id}` }, timeEl(comment.createdAt)),
        edited ? [" · ", edited.button] : null),
      edited?.panel,
      replyingTo(comment),
      bodyEl(comment),
      actions.childElementCount ? actions : null]);
  }

  // --- quote-reply: the selected text of a comment (or, from the menu with nothing selected, the
  // whole comment) goes into the reply box as a "> " quote under "@handle wrote:".
  let quoting = null;  // {node, text}: the selection inside one comment's body, as it is now

  function selectionIn(selection) {
    if (!selection || selection.isCollapsed) return null;
    const bodyOf = (n) => (n?.nodeType === Node.ELEMENT_NODE ? n : n?.parentElement)?.closest(".comment-body");
    const body = bodyOf(selection.anchorNode);
    if (!body || body !== bodyOf(selection.focusNode) || !list.contains(body)) return null;
    const node = nodes.get(body.closest("li.comment")?.dataset.id);
    const text = selection.toString().trim();
    return node && text ? { node, text } : null;
  }

  function onSelectionChange() {
    const now = selectionIn(document.getSelection());
    if (quoting?.node !== now?.node && quoting?.node.quoteButton) quoting.node.quoteButton.hidden = true;
    quoting = now;
    if (quoting?.node.quoteButton) quoting.node.quoteButton.hidden = false;
  }

  function quote(node) {
    if (!requireSignIn("reply")) return;
    const text = quoting?.node === node ? quoting.text : node.comment.body || "";
    const handle = node.comment.author?.handle;
    const quoted = text.trim().split(/\r?\n/).map((line) => (line.trim() ? `> ${line}` : ">")).join("\n");
    const block = `${handle ? `@${handle} wrote:` : "Someone wrote:"}\n${quoted}\n\n`;
    openReply(node, node.replyButton);
    const textarea = node.replyForm?.editor.textarea;
    if (!textarea) return;
    const before = textarea.value.replace(/\s+$/, "");
    textarea.value = before ? `${before}\n\n${block}` : block;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));  // kept as a draft like typing
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }

  // A reply below depth 3 sits under its parent's parent: say whom it answers.
  function replyingTo(comment) {
    const to = comment.replyTo;
    if (!to || to.id === comment.parentId || comment.status === "deleted") return null;
    return h("p.replying-to", h("a", { href: `#c-${to.id}` }, to.handle ? `Replying to @${to.handle}` : "Replying to a deleted comment"));
  }

  async function copyLink(comment) {
    const url = commentUrl(tid, comment.id);
    try {
      await navigator.clipboard.writeText(url);
      announce("Link to the comment copied.");
    } catch {
      history.replaceState(null, "", `#c-${comment.id}`);
      announce("Copy the address from the address bar to share this comment.");
    }
  }

  // A root's whole subtree, page by page (GET …/replies), in place of its reply previews.
  function repliesLoader(node) {
    let cursor = null;
    let first = true;
    const loader = { done: false };
    loader.next = async () => {
      const page = await api.replies(tid, node.comment.id, cursor);
      if (first) {
        for (const el of node.children.querySelectorAll(".comment")) nodes.delete(el.dataset.id);
        node.children.replaceChildren();
        first = false;
      }
      for (const reply of page.items) {
        if (nodes.has(reply.id)) continue;
        const parent = nodes.get(reply.parentId) || node;
        parent.children.append(renderComment({ ...reply, replies: [] }));
      }
      cursor = page.nextCursor;
      loader.done = !cursor;
      if (loader.done) node.moreButton?.remove();
    };
    return loader;
  }

  function moreRepliesButton(node) {
    const shown = () => node.children.querySelectorAll(".comment").length;
    const total = node.comment.descendantCount;
    const button = h("button.linklike.more-replies", { type: "button" }, `Show all ${plural(total, "reply", "replies")}`);
    node.moreButton = button;
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = "Loading replies…";
      node.loader ||= repliesLoader(node);
      try {
        await node.loader.next();
        button.disabled = false;
        button.textContent = `Load more replies (${Math.max(0, total - shown())} more)`;
      } catch (error) {
        button.disabled = false;
        button.textContent = "Could not load replies: try again";
        announce(error.message);
      }
    });
    return button;
  }

  /**
   * The element of comment cid, loading what it takes when a link points at a comment that is not
   * shown (a reply past its root's previews, a root on a later page): its root (rootHint, from a
   * notification's link, or what GET …/comments/{cid} says) is shown first if it is not on the
   * page, and the root's replies are loaded. null if the comment is gone.
   */
  async function reveal(cid, rootHint = null) {
    await section.ready;
    if (nodes.has(cid)) return nodes.get(cid).li;
    try {
      const linked = rootHint ? null : await api.comment(tid, cid);
      const rootId = rootHint || linked.rootId || linked.id;
      if (!nodes.has(rootId)) {
        const root = linked && rootId === linked.id ? linked : await api.comment(tid, rootId);
        // Out of the list's order, at its top: it is what the reader came for.
        list.prepend(renderComment({ ...root, replies: [], moreReplies: false }));
        status.replaceChildren();
      }
      const root = nodes.get(rootId);
      root.loader ||= repliesLoader(root);
      for (let pages = 0; !nodes.has(cid) && !root.loader.done && pages < REVEAL_PAGES; pages++) await root.loader.next();
    } catch {
      return null;
    }
    return nodes.get(cid)?.li ?? null;
  }

  /**
   * A comment box. Its text is kept as a draft under `draft` (restored when it opens again, cleared
   * once posted); Escape or Cancel with text not posted asks "Discard draft?" first.
   * `original` is the text that counts as nothing new (an edited comment's body).
   */
  function commentForm({ parent = null, value = "", submitLabel, onSubmit, onCancel = null, draft, original = "" }) {
    const saved = loadDraft(draft);
    const editor = markdownEditor({ name: "body", label: parent ? `Reply to ${parent.comment.author?.displayName || "comment"}` : (value ? "Edit comment" : "Add to the discussion"),
      value: typeof saved === "string" ? saved : value, rows: parent || value ? 4 : 5 });
    const { textarea } = editor;
    const cancel = onCancel ? h("button.button.subtle", { type: "button", onclick: () => leave() }, "Cancel") : null;
    const form = h("form.comment-form", { novalidate: true }, editor,
      h("div.form-actions", h("button.button.primary", { type: "submit" }, submitLabel), cancel));
    const unposted = () => !!textarea.value.trim() && textarea.value !== original;
    const keeper = keepDraft(draft, form, () => (textarea.value === original ? "" : textarea.value), unposted);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitting(form, async () => {
        await onSubmit(textarea.value, form, editor);
        clearDraft(draft);  // posted: nothing to keep
      }, { fields: { body: textarea }, context: "comment" });
    });
    // Throw the text away: close the box (a reply or an edit), or empty it (the comment box).
    const discard = () => {
      form.querySelector(".confirm.discard")?.remove();
      if (onCancel) {
        keeper.done(true);
        onCancel();
      } else {
        editor.reset();
        clearDraft(draft);
        textarea.focus();
      }
    };
    // Escape or Cancel: at once when nothing would be lost, else after "Discard draft?".
    function leave() {
      if (!unposted()) {
        if (onCancel) discard();
        return;
      }
      const open = form.querySelector(".confirm.discard");
      if (open) { open.querySelector(".keep").focus(); return; }
      const yes = h("button.button.danger", { type: "button", onclick: discard }, "Discard");
      const keep = h("button.button.subtle.keep", { type: "button" }, "Keep writing");
      const box = h("div.confirm.discard", { role: "group", "aria-label": "Discard draft?" }, h("span", "Discard draft? "), yes, keep);
      const back = () => { box.remove(); textarea.focus(); };
      keep.addEventListener("click", back);
      box.addEventListener("keydown", (event) => { if (event.key === "Escape") { event.stopPropagation(); back(); } });
      form.querySelector(".form-actions").after(box);
      keep.focus();
    }
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
      if (event.key === "Escape") { event.preventDefault(); leave(); }
    });
    form.editor = editor;
    form.release = () => keeper.done(false);  // closed after posting (cleared above) or kept
    return form;
  }

  function insertNew(comment) {
    const li = renderComment({ ...comment, replies: [] });
    const parent = comment.parentId ? nodes.get(comment.parentId) : null;
    if (parent) parent.children.append(li);
    else list.prepend(li);
    status.replaceChildren();
    li.classList.add("fresh");
    onCountChange(+1);
    return li;
  }

  function openReply(node, button, { focus = true } = {}) {
    if (!requireSignIn("reply")) return;
    if (node.replyForm) { if (focus) node.replyForm.editor.textarea.focus(); return; }
    const close = () => {
      node.replyForm?.release();
      node.replyForm?.remove();
      node.replyForm = null;
      node.replyButton?.setAttribute("aria-expanded", "false");
      node.replyButton?.focus();
    };
    node.replyForm = commentForm({
      parent: node,
      submitLabel: "Reply",
      draft: place("reply", node.comment.id),
      onCancel: close,
      onSubmit: async (body) => {
        const created = await api.createComment(tid, body, node.comment.id);
        clearDraft(place("reply", node.comment.id));
        const li = insertNew(created);
        close();
        announce("Your reply is posted.");
        li.querySelector("article").setAttribute("tabindex", "-1");
        li.querySelector("article").focus();
      },
    });
    node.article.after(node.replyForm);
    button?.setAttribute("aria-expanded", "true");
    if (focus) node.replyForm.editor.textarea.focus();
  }

  function openEdit(node, { focus = true } = {}) {
    const body = node.article.querySelector(".comment-body");
    if (!body || node.editing) return;
    node.editing = true;
    const actions = () => node.article.querySelector(".comment-actions");
    const draft = place("edit", node.comment.id);
    const form = commentForm({
      value: node.comment.body,
      original: node.comment.body,
      submitLabel: "Save",
      draft,
      onCancel: () => {
        node.editing = false;
        form.release();
        form.replaceWith(body);
        if (actions()) actions().hidden = false;
      },
      onSubmit: async (text) => {
        const saved = await api.editComment(tid, node.comment.id, text);
        clearDraft(draft);
        node.editing = false;
        form.release();
        node.comment = { ...node.comment, ...saved, replies: undefined };
        drawArticle(node);
        announce("Comment updated.");
      },
    });
    if (actions()) actions().hidden = true;
    body.replaceWith(form);
    if (focus) form.editor.textarea.focus();
  }

  function confirmDelete(node, button) {
    const yes = h("button.button.danger", { type: "button" }, "Delete");
    const no = h("button.button.subtle", { type: "button" }, "Keep it");
    const box = h("div.confirm", { role: "group", "aria-label": "Confirm delete" }, h("span", "Delete this comment? "), yes, no);
    no.addEventListener("click", () => { box.remove(); button.focus(); });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await api.deleteComment(tid, node.comment.id);
        node.comment = { ...node.comment, status: "deleted", body: "", bodyHtml: "", author: null };
        drawArticle(node);
        onCountChange(-1);
        announce("Comment deleted.");
      } catch (error) {
        yes.disabled = false;
        box.append(h("p.form-error", { role: "alert" }, error.message));
      }
    });
    button.closest(".comment-actions").after(box);
    yes.focus();
  }

  // A reload (a new sort, new comments) starts a new generation; a page that arrives for an older
  // one is dropped, or a slow first page would land on top of the newly sorted list.
  let generation = 0;

  async function loadPage(prefetched = null) {
    const mine = generation;
    more.hidden = true;
    status.replaceChildren(h("p.loading", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), "Loading comments…"));
    try {
      const page = await (prefetched || api.comments(tid, { sort, cursor }));
      if (mine !== generation) return;
      status.replaceChildren();
      const frag = document.createDocumentFragment();
      for (const comment of page.items) if (!nodes.has(comment.id)) frag.append(renderComment(comment));
      list.append(frag);
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!list.childElementCount) status.replaceChildren(h("p.empty", "No comments yet. Start the conversation!"));
    } catch (error) {
      if (mine === generation) status.replaceChildren(errorBlock(error, () => loadPage()));
    }
  }

  async function reload() {
    flushDrafts();  // the open boxes go with the list; they come back from their drafts
    draftsHere = new Set(draftPlaces(`t/${tid}/`));
    generation += 1;
    nodes.clear();
    list.replaceChildren();
    cursor = null;
    await loadPage();
  }

  more.addEventListener("click", () => loadPage());
  const sortSelect = h("select", { id: "comment-sort", name: "sort" }, SORTS.map(([v, label]) => h("option", { value: v }, label)));
  sortSelect.addEventListener("change", () => { sort = sortSelect.value; reload(); });

  let top;
  if (thread.status === "deleted") top = h("p.notice", "This thread was deleted: it takes no new comments.");
  else if (thread.status === "hidden") top = h("p.notice", "This thread is hidden: it takes no new comments.");
  else if (thread.locked) top = h("p.notice", "This thread is locked: no new comments.");
  else if (!session.user) top = h("p.signin-prompt", h("a", { href: signInHref() }, "Sign in"), " to join the discussion.");
  else if (suspended) top = suspensionNotice(session.profile.suspension, { own: true });
  else {
    top = commentForm({
      submitLabel: "Comment",
      draft: place("comment"),
      onSubmit: async (body, form, editor) => {
        const created = await (createRoot ? createRoot(body) : api.createComment(tid, body));
        editor.reset();
        insertNew(created);
        announce("Your comment is posted.");
      },
    });
  }

  const section = h("section.comments", { id: "comments", "aria-labelledby": "comments-heading" },
    h("div.section-head", heading, h("div.sort", h("label", { for: "comment-sort" }, "Sort"), sortSelect)),
    top, list, status, more);
  section.ready = loadPage(firstPage);
  document.addEventListener("selectionchange", onSelectionChange);
  section.cleanup = () => document.removeEventListener("selectionchange", onSelectionChange);
  section.reload = reload;
  section.reveal = reveal;
  section.setHeading = setHeading;
  return section;
}

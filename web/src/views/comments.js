// The comment tree of a thread: pages of root comments with nested replies (to depth 3),
// inline reply forms, edit and delete of one's own comments, tombstones, "load more".
import { h, append, setSanitizedHtml, timeEl, plural } from "../dom.js";
import { api } from "../api.js";
import { session } from "../session.js";
import { authorLink, reactionBar, requireSignIn, submitting, announce, signInHref, errorBlock, icon } from "../ui.js";
import { markdownEditor } from "../markdown.js";
import { commentUrl } from "../embedded.js";
import { hiddenPlaceholder, hiddenBanner, hideButton, isModerator, reportButton, restoreButton, suspensionNotice } from "./moderation.js";

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

  // A thread's author may hide comments on it (and restore their own hides); moderators any.
  const ownThread = () => !!(session.profile && thread.author && session.profile.uid === thread.author.uid);
  const mayHide = () => isModerator() || ownThread();
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
    return li;
  }

  function drawArticle(node) {
    const { comment, article } = node;
    const deleted = comment.status === "deleted";
    const hidden = comment.status === "hidden";
    const actions = h("div.comment-actions");
    const item = { tid, cid: comment.id };
    if (hidden && mayRestore(comment)) actions.append(restoreButton(item, "comment", (u) => { redraw(node, u); onCountChange(+1); }));
    if (!deleted && !hidden) {
      actions.append(reactionBar({
        compact: true,
        label: "Reactions to this comment",
        counts: comment.reactionCounts,
        mine: comment.myReactions,
        toggle: (kind, on) => api.reactComment(tid, comment.id, kind, on),
      }));
      if (!thread.locked) actions.append(h("button.linklike.reply", { type: "button", "aria-expanded": "false", onclick: (e) => openReply(node, e.currentTarget) }, "Reply"));
      if (canModerate(comment)) {
        actions.append(
          h("button.linklike", { type: "button", onclick: () => openEdit(node) }, "Edit"),
          h("button.linklike.danger", { type: "button", onclick: (e) => confirmDelete(node, e.currentTarget) }, "Delete"));
      }
      if (mayHide()) actions.append(hideButton(item, "comment", (u) => { redraw(node, u); onCountChange(-1); }));
      const mine = session.profile && comment.author && session.profile.uid === comment.author.uid;
      if (session.user && !mine) actions.append(reportButton(item, "comment"));
    }
    if (!deleted) {
      actions.append(h("button.linklike.copy-link", { type: "button", "aria-label": "Copy link to this comment", onclick: () => copyLink(comment) },
        icon("link"), h("span", "Link")));
    }
    article.replaceChildren();
    append(article, [
      h("header.comment-meta",
        hidden && !comment.author ? h("span.author.deleted", "[hidden]") : authorLink(comment.author), " ", h("a.permalink", { href: `#c-${comment.id}` }, timeEl(comment.createdAt)),
        comment.editedAt && !deleted && !hidden ? h("span.edited", " · edited") : null),
      replyingTo(comment),
      bodyEl(comment),
      actions]);
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

  function commentForm({ parent = null, value = "", submitLabel, onSubmit, onCancel }) {
    const editor = markdownEditor({ name: "body", label: parent ? `Reply to ${parent.comment.author?.displayName || "comment"}` : (value ? "Edit comment" : "Add to the discussion"), value, rows: parent || value ? 4 : 5 });
    const form = h("form.comment-form", { novalidate: true }, editor,
      h("div.form-actions", h("button.button.primary", { type: "submit" }, submitLabel),
        onCancel ? h("button.button.subtle", { type: "button", onclick: onCancel }, "Cancel") : null));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitting(form, () => onSubmit(editor.textarea.value, form, editor), { fields: { body: editor.textarea }, context: "comment" });
    });
    editor.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
      if (event.key === "Escape" && onCancel) onCancel();
    });
    form.editor = editor;
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

  function openReply(node, button) {
    if (!requireSignIn("reply")) return;
    if (node.replyForm) { node.replyForm.editor.textarea.focus(); return; }
    const close = () => {
      node.replyForm?.remove();
      node.replyForm = null;
      button.setAttribute("aria-expanded", "false");
      button.focus();
    };
    node.replyForm = commentForm({
      parent: node,
      submitLabel: "Reply",
      onCancel: close,
      onSubmit: async (body) => {
        const created = await api.createComment(tid, body, node.comment.id);
        const li = insertNew(created);
        close();
        announce("Your reply is posted.");
        li.querySelector("article").setAttribute("tabindex", "-1");
        li.querySelector("article").focus();
      },
    });
    node.article.after(node.replyForm);
    button.setAttribute("aria-expanded", "true");
    node.replyForm.editor.textarea.focus();
  }

  function openEdit(node) {
    const body = node.article.querySelector(".comment-body");
    const form = commentForm({
      value: node.comment.body,
      submitLabel: "Save",
      onCancel: () => { form.replaceWith(body); node.article.querySelector(".comment-actions").hidden = false; },
      onSubmit: async (text) => {
        const saved = await api.editComment(tid, node.comment.id, text);
        node.comment = { ...node.comment, ...saved, replies: undefined };
        drawArticle(node);
        announce("Comment updated.");
      },
    });
    node.article.querySelector(".comment-actions").hidden = true;
    body.replaceWith(form);
    form.editor.textarea.focus();
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
  if (thread.locked) top = h("p.notice", "This thread is locked: no new comments.");
  else if (!session.user) top = h("p.signin-prompt", h("a", { href: signInHref() }, "Sign in"), " to join the discussion.");
  else if (session.profile?.suspension) top = suspensionNotice(session.profile.suspension, { own: true });
  else {
    top = commentForm({
      submitLabel: "Comment",
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
  section.reload = reload;
  section.reveal = reveal;
  section.setHeading = setHeading;
  return section;
}

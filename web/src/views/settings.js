// The notification settings and the blocked members, on /settings under the profile form (its own
// chunk, loaded there). Each switch saves itself (PUT /api/me/settings); Unblock removes at once.
import { h, timeEl } from "../dom.js";
import { api } from "../api.js";
import { announce, errorBlock, loading } from "../ui.js";
import { setBlocked } from "../blocks.js";

const KINDS = [
  ["reply", "Replies to my comments"],
  ["comment", "Comments on my threads (grouped while unread)"],
  ["mention", "@mentions of me"],
];

function notificationSettings() {
  const section = h("section.card.settings-notify", { "aria-labelledby": "notify-heading" },
    h("h2", { id: "notify-heading" }, "Notifications"), loading("Loading your settings…"));
  api.settings().then(({ notify }) => {
    const boxes = KINDS.map(([kind, label]) => {
      const box = h("input", { type: "checkbox", id: `notify-${kind}`, name: kind, checked: notify[kind] });
      box.addEventListener("change", async () => {
        box.disabled = true;
        try {
          const saved = await api.updateSettings({ [kind]: box.checked });
          box.checked = saved.notify[kind];
          announce(box.checked ? `${label}: on.` : `${label}: off.`);
        } catch (error) {
          box.checked = !box.checked;
          announce(`Not saved: ${error.message}`);
        } finally {
          box.disabled = false;
        }
      });
      return h("li", box, " ", h("label", { for: box.id }, label));
    });
    section.replaceChildren(section.firstChild,
      h("p.hint", "Which kinds of notification you get. Moderators' notices always reach you; a muted thread notifies you of nothing."),
      h("ul.settings-list", boxes));
  }).catch((error) => section.replaceChildren(section.firstChild, errorBlock(error, () => section.replaceWith(notificationSettings()))));
  return section;
}

function blockedMembers() {
  const section = h("section.card.settings-blocks", { "aria-labelledby": "blocks-heading" },
    h("h2", { id: "blocks-heading" }, "Blocked members"), loading("Loading…"));
  api.blocks().then(({ items, max }) => {
    const list = h("ul.settings-list.block-list");
    const none = h("p.muted", "You have blocked nobody. A member's profile has Block.");
    const draw = () => { none.hidden = list.childElementCount > 0; };
    for (const blocked of items) {
      const unblock = h("button.button", { type: "button" }, "Unblock");
      const li = h("li", h("a", { href: `/u/${encodeURIComponent(blocked.handle)}` }, `@${blocked.handle}`), " · blocked ", timeEl(blocked.blockedAt), " ", unblock);
      unblock.addEventListener("click", async () => {
        unblock.disabled = true;
        try {
          await api.block(blocked.handle, false);
          setBlocked(blocked.uid, false);
          li.remove();
          draw();
          announce(`@${blocked.handle} is unblocked.`);
        } catch (error) {
          unblock.disabled = false;
          announce(`Not unblocked: ${error.message}`);
        }
      });
      list.append(li);
    }
    draw();
    section.replaceChildren(section.firstChild,
      h("p.hint", `Their posts show collapsed to you, and they cannot notify you. At most ${max}.`), none, list);
  }).catch((error) => section.replaceChildren(section.firstChild, errorBlock(error, () => section.replaceWith(blockedMembers()))));
  return section;
}

/** The two sections, for the signed-in member's /settings. */
export function preferenceSections() {
  return [notificationSettings(), blockedMembers()];
}

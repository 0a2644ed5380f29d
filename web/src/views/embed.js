// /embed: a page's comment section inside the host site's page. It is the thread page's own view
// (threadView) of the page's thread; before the first comment, an empty section whose first
// comment creates the thread (POST /api/pages/comments).
import { h } from "../dom.js";
import { embed, pageThreadId } from "../embedded.js";
import { threadView } from "./thread.js";

export async function embedView(ctx) {
  const { site, term } = embed.page || {};
  if (!embed.on || !site || !term) {
    ctx.main.append(h("div", h("h1", "Nothing to show"), h("p", "This page is the comment section embed.js puts under an article.")));
    return undefined;
  }
  const tid = pageThreadId(site, term);
  return threadView({ ...ctx, match: [tid], page: embed.page });
}

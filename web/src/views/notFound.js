import { h } from "../dom.js";

export function notFoundView({ main }) {
  main.append(h("h1", "Page not found"), h("p", "There is nothing here. ", h("a", { href: "/" }, "Back to the discussions")));
}

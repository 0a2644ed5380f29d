// The header's search box: "/" focuses it from anywhere but a text field; Enter opens the results page.
// On a phone the header keeps one row, so the box is a search button there that opens the results page.

/** Whether a key press belongs to a field the reader is typing in. */
function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function visible(el) {
  return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
}

export function startSearchBox(navigate) {
  const form = document.getElementById("site-search");
  const input = document.getElementById("site-search-q");
  if (!form || !input) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = input.value.trim();
    navigate(q ? `/search?${new URLSearchParams({ q })}` : "/search");
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { input.blur(); }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    event.preventDefault();
    // The results page's own box when it is open; the header's when it shows; else the results page.
    const target = document.getElementById("search-q");
    if (visible(target)) { target.focus(); target.select(); return; }
    if (visible(input)) { input.focus(); input.select(); return; }
    navigate("/search");
  });
}

/** The header box follows the page: it shows the query being looked at, and is empty elsewhere. */
export function syncSearchBox() {
  const input = document.getElementById("site-search-q");
  if (!input || document.activeElement === input) return;
  input.value = location.pathname === "/search" ? new URLSearchParams(location.search).get("q") || "" : "";
}

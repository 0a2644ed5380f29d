// The Hearth API client: JSON, Bearer tokens, error objects, conditional GETs.
import { idToken } from "./auth.js";
import { sentenceFor } from "./messages.js";

/** An API failure: `message` is a sentence for people; `apiMessage` is what the API said. */
export class ApiError extends Error {
  constructor(status, code, message, { field = null, retryAfter = null, apiMessage = null, details = {} } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
    // A suspended user's write (code "suspended") says why and until when.
    this.details = details;
    this.apiMessage = apiMessage;
  }

  get isNetwork() {
    return this.code === "network";
  }
}

// ETag and body of the last 200 answer per URL (per signed-in state), for If-None-Match.
const validators = new Map();

async function request(method, path, { body, conditional = false } = {}) {
  const headers = { Accept: "application/json" };
  const token = await idToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const key = `${token ? "me" : "anon"} ${path}`;
  const known = conditional ? validators.get(key) : null;
  if (known) headers["If-None-Match"] = known.etag;
  let response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", sentenceFor(0, "network"));
  }
  if (response.status === 304 && known) return { data: known.data, notModified: true };
  if (response.status === 204) return { data: null, notModified: false };
  let data;
  try {
    data = await response.json();
  } catch {
    data = null; // an empty or non-JSON body (a proxy's error page)
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const retryAfter = Number(response.headers.get("Retry-After")) || null;
    const code = error.code || "error";
    // A suspended user's write (code "suspended") says why and until when.
    const details = code === "suspended" ? { reason: error.reason, until: error.until } : {};
    throw new ApiError(response.status, code, sentenceFor(response.status, code, error.message, retryAfter),
      { field: error.field || null, retryAfter, apiMessage: error.message || null, details });
  }
  if (conditional && response.headers.get("ETag")) validators.set(key, { etag: response.headers.get("ETag"), data });
  return { data, notModified: false };
}

const get = async (path) => (await request("GET", path)).data;
const send = async (method, path, body) => (await request(method, path, { body })).data;
const query = (params) => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const s = q.toString();
  return s ? `?${s}` : "";
};
const enc = encodeURIComponent;

export const api = {
  me: () => get("/me"),
  updateMe: (changes) => send("PUT", "/me", changes),
  user: (handle) => get(`/users/${enc(handle)}`),
  userById: (uid) => get(`/users/id/${enc(uid)}`),
  userThreads: (handle, cursor) => get(`/users/${enc(handle)}/threads${query({ cursor })}`),
  userComments: (handle, cursor) => get(`/users/${enc(handle)}/comments${query({ cursor })}`),
  /** The server's own rendering of a draft (the post will look exactly like this). */
  render: (body) => send("POST", "/render", { body }),
  threads: ({ sort, tag, cursor, limit } = {}) => get(`/threads${query({ sort, tag, cursor, limit })}`),
  thread: (id) => get(`/threads/${enc(id)}`),
  /** Conditional GET of a thread: {data, notModified}. */
  threadIfChanged: (id) => request("GET", `/threads/${enc(id)}`, { conditional: true }),
  createThread: (thread) => send("POST", "/threads", thread),
  editThread: (id, changes) => send("PATCH", `/threads/${enc(id)}`, changes),
  deleteThread: (id) => send("DELETE", `/threads/${enc(id)}`),
  comments: (id, { sort, cursor, limit } = {}) => get(`/threads/${enc(id)}/comments${query({ sort, cursor, limit })}`),
  comment: (id, cid) => get(`/threads/${enc(id)}/comments/${enc(cid)}`),
  replies: (id, rootId, cursor) => get(`/threads/${enc(id)}/comments/${enc(rootId)}/replies${query({ cursor, limit: 50 })}`),
  /** A root comment on a page of another site (the embed); the first one creates the page's thread. */
  createPageComment: ({ site, term, url, title }, body) => {
    const canonical = new URL(url);  // on the site's own origin (embed.js makes sure)
    // As the API takes it: printable ASCII but space " # < > \ (a query may hold those unencoded).
    const path = (canonical.pathname + canonical.search).replace(/[^\x21-\x7e]|["#<>\\]/g, encodeURIComponent);
    return send("POST", "/pages/comments", { site, term, path, title, body });
  },
  /** A one-time custom token that signs the embed's frame in as the caller (the sign-in window hands it over). */
  embedSession: () => send("POST", "/me/embed-session", {}),
  createComment: (id, body, parentId) => send("POST", `/threads/${enc(id)}/comments`, parentId ? { body, parentId } : { body }),
  editComment: (id, cid, body) => send("PATCH", `/threads/${enc(id)}/comments/${enc(cid)}`, { body }),
  deleteComment: (id, cid) => send("DELETE", `/threads/${enc(id)}/comments/${enc(cid)}`),
  react: (id, kind, on) => send(on ? "PUT" : "DELETE", `/threads/${enc(id)}/reactions/${enc(kind)}`),
  reactComment: (id, cid, kind, on) => send(on ? "PUT" : "DELETE", `/threads/${enc(id)}/comments/${enc(cid)}/reactions/${enc(kind)}`),
  bookmark: (id, on) => send(on ? "PUT" : "DELETE", `/threads/${enc(id)}/bookmark`),
  bookmarks: (cursor) => get(`/me/bookmarks${query({ cursor })}`),
  // Moderation. `item` is {tid, cid?}: a thread, or a comment of it.
  report: (item, reason, note) => send("POST", `${itemPath(item)}/report`, note ? { reason, note } : { reason }),
  hide: (item, reason) => send("PUT", `${itemPath(item)}/hidden`, { reason }),
  restore: (item) => send("DELETE", `${itemPath(item)}/hidden`),
  modQueue: ({ state, cursor } = {}) => get(`/mod/queue${query({ state, cursor })}`),
  modAction: (key, action, reason) => send("POST", `/mod/queue/${enc(key)}`, reason ? { action, reason } : { action }),
  modLog: (cursor) => get(`/mod/log${query({ cursor })}`),
  suspend: (handle, reason, until) => send("PUT", `/users/${enc(handle)}/suspension`, { reason, until }),
  unsuspend: (handle) => send("DELETE", `/users/${enc(handle)}/suspension`),
  notifications: (cursor) => get(`/me/notifications${query({ cursor })}`),
  /** Mark these notification ids read, or all of them without ids; answers {unread}. */
  markNotificationsRead: (ids) => send("POST", "/me/notifications/read", ids ? { ids } : {}),
  /** {items, nextCursor}: threads or comments holding every word of q, with marked snippets. */
  search: ({ q, type, sort, cursor, limit } = {}) => get(`/search${query({ q, type, sort, cursor, limit })}`),
  mute: (id, on) => send(on ? "PUT" : "DELETE", `/threads/${enc(id)}/mute`),
  /** Up to 5 handles that start with prefix (@mention autocomplete): {handles}. */
  handles: (prefix) => get(`/users${query({ prefix })}`),
  /** Earlier versions of a thread, or of one of its comments: {items (newest first), kept}. */
  history: (id, cid) => get(`${itemPath({ tid: id, cid })}/history`),
  settings: () => get("/me/settings"),
  updateSettings: (notify) => send("PUT", "/me/settings", { notify }),
  blocks: () => get("/me/blocks"),
  block: (handle, on) => send(on ? "PUT" : "DELETE", `/me/blocks/${enc(handle)}`),
};

function itemPath({ tid, cid = null }) {
  return cid ? `/threads/${enc(tid)}/comments/${enc(cid)}` : `/threads/${enc(tid)}`;
}

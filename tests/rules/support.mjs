// The rules tests' environment: the emulator, the four callers, and one small forum to read.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { initializeTestEnvironment } from '@firebase/rules-unit-testing';
import { doc, setLogLevel, writeBatch } from 'firebase/firestore';

export const RULES_PATH = fileURLToPath(new URL('../../firestore.rules', import.meta.url));

// `firebase emulators:exec --project P` passes P on as GCLOUD_PROJECT; a demo- project never
// reaches production. Loading the rules into a project resets its coverage report.
export const PROJECT_ID = process.env.GCLOUD_PROJECT || 'demo-hearth-rules';

/** host and port of the Firestore emulator, from FIRESTORE_EMULATOR_HOST (set by emulators:exec). */
export function emulatorHost(value = process.env.FIRESTORE_EMULATOR_HOST) {
  const match = /^(?:\[(?<v6>[^\]]+)\]|(?<name>[^:]+)):(?<port>\d+)$/.exec(value ?? '');
  if (!match) {
    throw new Error(
      `FIRESTORE_EMULATOR_HOST must be host:port of a running Firestore emulator (got ${JSON.stringify(value)}); ` +
      "run the rules tests with 'make test-rules'",
    );
  }
  return { host: match.groups.v6 ?? match.groups.name, port: Number(match.groups.port) };
}

/** A RulesTestEnvironment on the emulator with the repository's firestore.rules loaded. */
export async function startEnvironment() {
  // The SDK logs every refused request as a warning; refusals are what these tests expect.
  setLogLevel('error');
  return initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { ...emulatorHost(), rules: readFileSync(RULES_PATH, 'utf8') },
  });
}

export const OWNER = 'alice';
export const OTHER = 'bob';
export const MODERATOR = 'mod';
export const DEMOTED = 'exmod';

/** The callers every rule is tried as: Firestore clients keyed by persona name. */
export function personas(env) {
  return {
    anonymous: env.unauthenticatedContext().firestore(),
    owner: env.authenticatedContext(OWNER).firestore(),
    other: env.authenticatedContext(OTHER).firestore(),
    // Moderators carry the custom claim the API checks; the rules grant them nothing more.
    moderator: env.authenticatedContext(MODERATOR, { moderator: true }).firestore(),
    // A demoted moderator whose token still carries the claim (tokens live up to an hour): the API
    // has removed moderators/{uid}, so the rules no longer trust the claim.
    demoted: env.authenticatedContext(DEMOTED, { moderator: true }).firestore(),
  };
}

export const PERSONAS = ['anonymous', 'owner', 'other', 'moderator', 'demoted'];
export const UID = { anonymous: null, owner: OWNER, other: OTHER, moderator: MODERATOR, demoted: DEMOTED };

const at = new Date('2026-01-02T03:04:05.000Z');
const author = { uid: OWNER, handle: 'alice', displayName: 'Alice' };

function profile(uid, role) {
  return { handle: uid, displayName: uid, bio: '', createdAt: at, threadCount: 1, commentCount: 1, role };
}

function thread(status) {
  return {
    title: `a ${status} thread`, body: 'text', bodyHtml: '<p>text</p>', excerpt: 'text', author, tags: [],
    createdAt: at, editedAt: null, lastActivityAt: at, commentCount: 1, reactionCounts: { like: 1 },
    score: 3, status, locked: false, pinned: false, mentionCount: 1,
  };
}

function comment(threadId, status) {
  return {
    threadId, parentId: null, rootId: null, depth: 1, body: 'text', bodyHtml: '<p>text</p>', author,
    createdAt: at, editedAt: null, reactionCounts: {}, score: 0, replyCount: 0, status, mentionCount: 1,
  };
}

function reaction(uid) {
  return { uid, types: ['like'], updatedAt: at };
}

/**
 * The forum every test starts from, as the API would have written it: path -> data.
 *
 * Thread and comment ids name their status; `c-orphan` is a visible comment under a thread that
 * is not visible, which must stay unreadable. `reports/r1` stands for any collection the rules
 * do not name.
 */
export const WORLD = {
  'users/alice': profile(OWNER, 'member'),
  'users/bob': profile(OTHER, 'member'),
  'users/mod': profile(MODERATOR, 'moderator'),
  'users/exmod': profile(DEMOTED, 'member'),
  'moderators/mod': { uid: MODERATOR },
  'handles/alice': { uid: OWNER },
  'handles/bob': { uid: OTHER },
  'users/alice/private/rate': { thread: [at], comment: [at] },
  'users/alice/bookmarks/visible': { threadId: 'visible', createdAt: at },
  'users/alice/notifications/n1': { type: 'reply', threadId: 'visible', commentId: 'c-visible', createdAt: at, read: false },
  'users/alice/private/inbox': { unread: 1, readAllAt: at },
  // What moderators decided about alice: hers and theirs to read, never on her public profile.
  'users/alice/private/standing': { suspension: { reason: 'spam', until: at, at }, approved: true },
  'users/alice/mutes/visible': { threadId: 'visible', createdAt: at },
  'users/alice/groups/visible': { threadId: 'visible', run: 'n1', startedAt: at },
  'users/alice/private/preferences': { notify: { comment: false }, blocked: {} },
  'threads/visible/history/v0': { n: 0, title: 'Before', body: 'old', bodyHtml: '<p>old</p>', writtenAt: at, replacedAt: at },
  'threads/visible/comments/c-visible/history/v0': { n: 0, body: 'old', bodyHtml: '<p>old</p>', writtenAt: at, replacedAt: at },
  'users/alice/unnamed/x': { note: 'a subcollection the rules do not name' },
  'threads/visible': thread('visible'),
  'threads/deleted': { ...thread('deleted'), deletedAt: at },
  'threads/hidden': thread('hidden'),
  'threads/visible/reactions/alice': reaction(OWNER),
  'threads/visible/reactions/bob': reaction(OTHER),
  'threads/deleted/reactions/alice': reaction(OWNER),
  'threads/visible/comments/c-visible': comment('visible', 'visible'),
  'threads/visible/comments/c-hidden': comment('visible', 'hidden'),
  'threads/visible/comments/c-deleted': { ...comment('visible', 'deleted'), body: '', bodyHtml: '', deletedAt: at },
  'threads/deleted/comments/c-orphan': comment('deleted', 'visible'),
  'threads/hidden/comments/c-orphan': comment('hidden', 'visible'),
  'threads/visible/comments/c-visible/reactions/alice': reaction(OWNER),
  'threads/visible/comments/c-visible/reactions/bob': reaction(OTHER),
  // Whom a post @mentioned (uids): read by the API alone; the posts show mentionCount.
  'threads/visible/private/mentions': { uids: [OTHER] },
  'threads/visible/comments/c-visible/private/mentions': { uids: [OTHER] },
  // Moderation (the API writes them): a report, the reported item's queue entry, a log line.
  'reports/thread~visible~bob': {
    key: 'thread~visible', target: { kind: 'thread', threadId: 'visible', commentId: null },
    reporter: { uid: OTHER, handle: 'bob' }, reason: 'spam', note: '', createdAt: at,
  },
  'modQueue/thread~visible': {
    key: 'thread~visible', target: { kind: 'thread', threadId: 'visible', commentId: null }, state: 'open',
    openReports: 1, reportCount: 1, reasonCounts: { spam: 1 }, lastReportedAt: at, updatedAt: at,
  },
  'modLog/l1': {
    actor: { uid: MODERATOR, handle: 'mod' }, action: 'hide', reason: 'spam', at,
    target: { kind: 'thread', threadId: 'hidden', commentId: null },
  },
  'unnamed/x': { note: 'a top-level collection the rules do not name' },
};

/** Writes WORLD with the rules off, as the API's Admin SDK would. */
export async function seed(env) {
  await env.withSecurityRulesDisabled(async (context) => {
    const db = context.firestore();
    const batch = writeBatch(db);
    for (const [path, data] of Object.entries(WORLD)) batch.set(doc(db, path), data);
    await batch.commit();
  });
}

/** Document ids of a query snapshot, sorted. */
export function ids(snapshot) {
  return snapshot.docs.map((d) => d.id).sort();
}

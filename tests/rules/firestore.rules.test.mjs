// firestore.rules, tried as every caller against Google's Firestore emulator.
//
// Run with `make test-rules` (the emulator started by firebase-tools), or by hand with
// FIRESTORE_EMULATOR_HOST=host:port node --test tests/rules/*.test.mjs. Every test starts from the same
// small forum (support.mjs WORLD); the last test checks the emulator's coverage report, so the
// tests of this file run in order, in one process.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  addDoc, collection, collectionGroup, deleteDoc, doc, getDoc, getDocs, limit, onSnapshot, orderBy, query,
  runTransaction, setDoc, updateDoc, where, writeBatch,
} from 'firebase/firestore';

import { coverageGaps, saveCoverage } from './coverage.mjs';
import { PERSONAS, UID, WORLD, ids, personas, seed, startEnvironment } from './support.mjs';

const COVERAGE_REPORT = fileURLToPath(new URL('../../test-results/rules-coverage.html', import.meta.url));

let env;
let as;

before(async () => {
  env = await startEnvironment();
  as = personas(env);
});

beforeEach(async () => {
  await env.clearFirestore();
  await seed(env);
});

after(async () => {
  await env?.cleanup();
});

const everyone = PERSONAS;
const ownerOnly = ['owner'];
const moderatorOnly = ['moderator'];
const ownerAndModerator = ['owner', 'moderator'];
const nobody = [];

/** One test per persona: `allowed` personas succeed at `attempt(db)`, the others are refused. */
function eachPersona(label, allowed, attempt) {
  for (const persona of PERSONAS) {
    const may = allowed.includes(persona);
    test(`${persona} ${may ? 'may' : 'may not'} ${label}`, async () => {
      if (may) {
        await assertSucceeds(attempt(as[persona]));
      } else {
        await assertFails(attempt(as[persona]));
      }
    });
  }
}

describe('get one document', () => {
  const cases = [
    // Public profiles and handle claims: what GET /api/users/{handle} shows anyone.
    ['users/alice', everyone],
    ['users/nobody', everyone], // a missing profile reads as missing, not refused
    ['handles/alice', everyone],
    // A user's own data.
    ['users/alice/private/rate', ownerOnly],
    ['users/alice/bookmarks/visible', ownerOnly],
    ['users/alice/notifications/n1', ownerOnly],
    ['users/alice/private/inbox', ownerOnly],
    // Her standing (a suspension's reason, approval): hers and moderators' (not a demoted one's).
    ['users/alice/private/standing', ownerAndModerator],
    ['users/nobody/private/standing', ['moderator']],
    ['users/alice/mutes/visible', ownerOnly],
    ['users/alice/groups/visible', ownerOnly],
    ['users/alice/private/preferences', ownerOnly],
    ['users/alice/unnamed/x', nobody],
    // Threads while visible; a deleted, hidden or missing thread looks the same: refused.
    ['threads/visible', everyone],
    ['threads/deleted', nobody],
    ['threads/hidden', nobody],
    ['threads/missing', nobody],
    ['threads/visible/reactions/alice', ownerOnly],
    ['threads/deleted/reactions/alice', ownerOnly],
    // Comments while they and their thread are visible.
    ['threads/visible/comments/c-visible', everyone],
    ['threads/visible/comments/c-hidden', nobody],
    ['threads/visible/comments/c-deleted', nobody],
    ['threads/deleted/comments/c-orphan', nobody],
    ['threads/hidden/comments/c-orphan', nobody],
    ['threads/missing/comments/c-visible', nobody],
    ['threads/visible/comments/c-visible/reactions/alice', ownerOnly],
    // Edit history: served by the API alone (who may read it depends on the post).
    ['threads/visible/history/v0', nobody],
    ['threads/visible/comments/c-visible/history/v0', nobody],
    // Whom a post mentioned: nobody's to read, the mentioned user and the author included.
    ['threads/visible/private/mentions', nobody],
    ['threads/visible/comments/c-visible/private/mentions', nobody],
    // Moderation: reports, the queue and the log are for moderators only (the reporter included).
    ['reports/thread~visible~bob', moderatorOnly],
    ['modQueue/thread~visible', moderatorOnly],
    ['modLog/l1', moderatorOnly],
    ['modLog/missing', moderatorOnly],
    // The rules' record of who holds the claim: read by the rules alone.
    ['moderators/mod', nobody],
    // Anything the rules do not name.
    ['unnamed/x', nobody],
  ];
  for (const [path, allowed] of cases) {
    eachPersona(`get ${path}`, allowed, async (db) => {
      const snap = await getDoc(doc(db, path));
      assert.deepEqual(snap.exists() ? Object.keys(snap.data()).sort() : null,
        path in WORLD ? Object.keys(WORLD[path]).sort() : null);
      return snap;
    });
  }

  test("a signed-in user may not get another user's private documents", async () => {
    for (const path of ['users/bob/private/rate', 'threads/visible/reactions/bob',
      'threads/visible/comments/c-visible/reactions/bob']) {
      await assertFails(getDoc(doc(as.owner, path)));
      await assertSucceeds(getDoc(doc(as.other, path)));
    }
  });
});

/** A list query that, when allowed, returns exactly `expected` ids. */
function eachPersonaLists(label, allowed, makeQuery, expected) {
  eachPersona(`list ${label}`, allowed, async (db) => {
    const snap = await getDocs(makeQuery(db));
    assert.deepEqual(ids(snap), expected);
    return snap;
  });
}

describe('list queries', () => {
  const visible = (ref) => query(ref, where('status', '==', 'visible'));

  // Profiles are public one by one; a list would name every account (the API has no directory).
  eachPersonaLists('users', nobody, (db) => collection(db, 'users'), []);
  eachPersonaLists('users where role == "moderator"', nobody,
    (db) => query(collection(db, 'users'), where('role', '==', 'moderator')), []);
  eachPersonaLists('handles', nobody, (db) => collection(db, 'handles'), []);
  eachPersonaLists("a user's private documents", ownerOnly,
    (db) => collection(db, 'users/alice/private'), ['inbox', 'preferences', 'rate', 'standing']);
  eachPersonaLists("a post's private documents", nobody, (db) => collection(db, 'threads/visible/private'), []);
  eachPersonaLists("a user's bookmarks", ownerOnly,
    (db) => query(collection(db, 'users/alice/bookmarks'), orderBy('createdAt', 'desc')), ['visible']);
  eachPersonaLists("a user's notifications", ownerOnly,
    (db) => collection(db, 'users/alice/notifications'), ['n1']);
  eachPersonaLists("a user's muted threads", ownerOnly, (db) => collection(db, 'users/alice/mutes'), ['visible']);
  eachPersonaLists("a user's notification run markers", ownerOnly, (db) => collection(db, 'users/alice/groups'), ['visible']);
  eachPersonaLists("a thread's edit history", nobody, (db) => collection(db, 'threads/visible/history'), []);

  // Rules are not filters: a query is allowed only if the rule holds for every document it could return.
  eachPersonaLists('threads without a status filter', nobody, (db) => collection(db, 'threads'), []);
  eachPersonaLists('threads where status == "visible"', everyone,
    (db) => query(visible(collection(db, 'threads')), orderBy('createdAt', 'desc'), limit(20)), ['visible']);
  eachPersonaLists('threads where status == "deleted"', nobody,
    (db) => query(collection(db, 'threads'), where('status', '==', 'deleted')), []);
  eachPersonaLists('threads where status in ["visible", "deleted"]', nobody,
    (db) => query(collection(db, 'threads'), where('status', 'in', ['visible', 'deleted'])), []);
  eachPersonaLists('threads where status != "deleted"', nobody,
    (db) => query(collection(db, 'threads'), where('status', '!=', 'deleted')), []);
  eachPersonaLists("a thread's reactions", nobody, (db) => collection(db, 'threads/visible/reactions'), []);
  eachPersonaLists("a thread's reactions where uid == the caller", nobody,
    (db) => query(collection(db, 'threads/visible/reactions'), where('uid', '==', 'alice')), []);

  eachPersonaLists('comments of a visible thread without a status filter', nobody,
    (db) => collection(db, 'threads/visible/comments'), []);
  eachPersonaLists('comments of a visible thread where status == "visible"', everyone,
    (db) => query(visible(collection(db, 'threads/visible/comments')), orderBy('createdAt')), ['c-visible']);
  eachPersonaLists('comments of a deleted thread where status == "visible"', nobody,
    (db) => visible(collection(db, 'threads/deleted/comments')), []);
  eachPersonaLists('comments of a hidden thread where status == "visible"', nobody,
    (db) => visible(collection(db, 'threads/hidden/comments')), []);
  eachPersonaLists("a comment's reactions", nobody,
    (db) => collection(db, 'threads/visible/comments/c-visible/reactions'), []);
  eachPersonaLists('reports', moderatorOnly, (db) => collection(db, 'reports'), ['thread~visible~bob']);
  eachPersonaLists('the moderation queue, open, newest first', moderatorOnly,
    (db) => query(collection(db, 'modQueue'), where('state', '==', 'open'), orderBy('updatedAt', 'desc')),
    ['thread~visible']);
  eachPersonaLists('the moderation log, newest first', moderatorOnly,
    (db) => query(collection(db, 'modLog'), orderBy('at', 'desc')), ['l1']);
  eachPersonaLists('a collection the rules do not name', nobody, (db) => collection(db, 'unnamed'), []);
});

/**
 * The first snapshot from the server a realtime listener on `ref` receives (a refused listener rejects).
 * Snapshots from the client's cache come first and prove nothing: they hold what earlier tests read.
 */
function firstSnapshot(ref) {
  return new Promise((resolve, reject) => {
    const stop = onSnapshot(ref, { includeMetadataChanges: true }, (snap) => {
      if (snap.metadata.fromCache) return;
      stop();
      resolve(snap);
    }, reject);
  });
}

describe('realtime listeners', () => {
  // Listeners go through the same rules as get and list; a refused one ends with an error.
  eachPersona('listen to visible threads', everyone, async (db) => {
    const snap = await firstSnapshot(query(collection(db, 'threads'), where('status', '==', 'visible')));
    assert.deepEqual(ids(snap), ['visible']);
    return snap;
  });
  eachPersona('listen to every thread', nobody, (db) => firstSnapshot(collection(db, 'threads')));
  eachPersona('listen to a visible comment', everyone,
    (db) => firstSnapshot(doc(db, 'threads/visible/comments/c-visible')));
  eachPersona("listen to a user's notifications", ownerOnly,
    (db) => firstSnapshot(collection(db, 'users/alice/notifications')));
});

describe('collection-group queries', () => {
  // No rule matches a collection group: a comment's rule reads its thread, which a query over
  // every thread's comments cannot do, so such a query could return comments of deleted threads.
  eachPersonaLists('comments across threads where status == "visible"', nobody,
    (db) => query(collectionGroup(db, 'comments'), where('status', '==', 'visible')), []);
  eachPersonaLists('comments across threads', nobody, (db) => collectionGroup(db, 'comments'), []);
  eachPersonaLists('reactions across threads and comments where uid == "alice"', nobody,
    (db) => query(collectionGroup(db, 'reactions'), where('uid', '==', 'alice')), []);
  eachPersonaLists('bookmarks across users', nobody, (db) => collectionGroup(db, 'bookmarks'), []);
  eachPersonaLists('private documents across users', nobody, (db) => collectionGroup(db, 'private'), []);
  eachPersonaLists('notifications across users', nobody, (db) => collectionGroup(db, 'notifications'), []);
});

describe('writes: every kind is refused to every caller', () => {
  // Each caller writes what the API would have written for them (their own uid), so a refusal
  // comes from the rules and not from odd data.
  const payload = (persona) => ({ uid: UID[persona], status: 'visible', types: ['like'], createdAt: new Date() });
  const sibling = (path) => `${path.slice(0, path.lastIndexOf('/'))}/new-${Date.now()}`;
  const kinds = {
    create: (db, path, data) => setDoc(doc(db, sibling(path)), data),
    add: (db, path, data) => addDoc(collection(db, path.slice(0, path.lastIndexOf('/'))), data),
    set: (db, path, data) => setDoc(doc(db, path), data),
    'set with merge': (db, path, data) => setDoc(doc(db, path), data, { merge: true }),
    update: (db, path) => updateDoc(doc(db, path), { status: 'visible', score: 1000 }),
    delete: (db, path) => deleteDoc(doc(db, path)),
    'batched set': (db, path, data) => writeBatch(db).set(doc(db, path), data).commit(),
    'transaction update': (db, path) => runTransaction(db, async (tx) => {
      tx.update(doc(db, path), { score: 1000 });
    }),
  };
  for (const path of Object.keys(WORLD)) {
    for (const [kind, write] of Object.entries(kinds)) {
      test(`nobody may ${kind} ${path}`, async () => {
        for (const persona of PERSONAS) {
          await assertFails(write(as[persona], path, payload(persona))).catch((error) => {
            throw new Error(`${persona}: ${error.message}`, { cause: error });
          });
        }
        // The refused writes left the document as it was.
        await env.withSecurityRulesDisabled(async (context) => {
          const snap = await getDoc(doc(context.firestore(), path));
          assert.deepEqual(Object.keys(snap.data()).sort(), Object.keys(WORLD[path]).sort());
        });
      });
    }
  }

  test("a user may not create their own reaction, profile or bookmark", async () => {
    await assertFails(setDoc(doc(as.other, 'threads/visible/comments/c-visible/reactions/bob'),
      { uid: 'bob', types: ['fire'] }));
    await assertFails(setDoc(doc(as.other, 'users/bob'), { handle: 'bob', role: 'moderator' }));
    await assertFails(setDoc(doc(as.other, 'users/bob/bookmarks/visible'), { threadId: 'visible' }));
    await assertFails(setDoc(doc(as.other, 'handles/bobby'), { uid: 'bob' }));
    await assertFails(setDoc(doc(as.moderator, 'threads/visible'), { status: 'hidden' }, { merge: true }));
  });
});

describe('rule coverage', () => {
  test('every rule expression was evaluated, and every condition both true and false', async () => {
    const report = await saveCoverage(env, COVERAGE_REPORT);
    assert.deepEqual(coverageGaps(report), [], `see ${COVERAGE_REPORT}`);
  });
});

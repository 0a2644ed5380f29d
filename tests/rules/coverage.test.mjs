// The coverage check itself, on hand-made reports in the emulator's JSON shape (no emulator needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { coverageGaps, ruleConditions } from './coverage.mjs';

const RULES = `service cloud.firestore {
  match /databases/{database}/documents {
    function signedIn() { return request.auth != null; }
    match /a/{id} {
      allow get: if true;
      allow list, write: if false;
    }
    match /b/{id} {
      allow read: if signedIn()
        && resource.data.open == true;
    }
  }
}
`;

const at = (text) => RULES.indexOf(text);
const bools = (...outcomes) => outcomes.map((b) => ({ value: { boolValue: b }, count: 1 }));

/** A node for `text` (its first occurrence), evaluated to `values`, with these children. */
function node(text, values, children) {
  const start = at(text);
  return {
    sourcePosition: { line: RULES.slice(0, start).split('\n').length, column: 1, currentOffset: start, endOffset: start + text.length - 1 },
    ...(values ? { values } : {}),
    ...(children ? { children } : {}),
  };
}

function report(roots) {
  return { rules: { files: [{ name: 'firestore.rules', content: RULES }] }, report: roots };
}

const condition = 'signedIn()\n        && resource.data.open == true';

test('ruleConditions lists the non-literal allow conditions at their offsets', () => {
  assert.deepEqual(ruleConditions(RULES), [{ offset: at('signedIn()\n'), condition }]);
});

test('a report where everything ran both ways has no gaps', () => {
  const full = report([
    node('request.auth != null', bools(true, false), [node('request.auth', bools(true))]),
    node(condition, bools(true, false), [node('signedIn()\n', bools(true, false))]),
  ]);
  assert.deepEqual(coverageGaps(full), []);
});

test('an expression never evaluated is a gap', () => {
  const partial = report([
    node('request.auth != null', bools(true, false), [node('request.auth', null)]),
    node(condition, bools(true, false)),
  ]);
  assert.deepEqual(coverageGaps(partial), ['never evaluated, line 3: request.auth']);
});

test('a condition never seen false (or true) is a gap; an evaluation error counts as neither', () => {
  const error = { value: { undefined: { causeMessage: 'Null value error.' } }, count: 2 };
  const oneSided = report([
    node('request.auth != null', bools(true)),
    node(condition, [error, ...bools(false)]),
  ]);
  assert.deepEqual(coverageGaps(oneSided), [
    'never false, line 3: request.auth != null',
    'never true, line 9: signedIn() && resource.data.open == true',
  ]);
});

test('an allow condition missing from the report is a gap, so an empty report never passes', () => {
  assert.deepEqual(coverageGaps(report([])), ['not in the report: if signedIn() && resource.data.open == true']);
});

// The Firestore emulator's rule-coverage report: fetch it, keep it, and find what it says was never run.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The coverage report's URL for a RulesTestEnvironment; `html` for the page, else the JSON. */
export function coverageUrl(env, { html = false } = {}) {
  const { host, port } = env.emulators.firestore;
  const name = host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/emulator/v1/projects/${env.projectId}:ruleCoverage${html ? '.html' : ''}`;
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.text();
}

/** Fetches both forms of the report, writes them to `htmlPath` and beside it as .json, returns the JSON. */
export async function saveCoverage(env, htmlPath) {
  const [html, json] = await Promise.all([fetchText(coverageUrl(env, { html: true })), fetchText(coverageUrl(env))]);
  await mkdir(dirname(htmlPath), { recursive: true });
  await writeFile(htmlPath, html);
  await writeFile(htmlPath.replace(/\.html$/, '.json'), json);
  return JSON.parse(json);
}

/*
 * The JSON report is {rules: {files: [{name, content}]}, report: [node]}. A node is one
 * expression: {sourcePosition: {line, column, currentOffset, endOffset}, values?, children?}, where
 * `values` is [{value, count}], one entry per distinct result (e.g. {boolValue: true}, or
 * {undefined: {causeMessage}} for an evaluation error), and is absent while the expression has never
 * run. The roots are the conditions of `allow` statements and the bodies of functions.
 *
 * What coverage cannot show: a literal condition (`if true`, `if false`) is no expression node,
 * so the report has nothing for it; the tests still try every one of them (a public profile read,
 * every write refused), but coverage cannot prove it. A function's arguments at its call site
 * are evaluated lazily (only when the body reads them), so they count like any other node.
 */

function* walk(node, depth = 0) {
  yield { node, depth };
  for (const child of node.children ?? []) yield* walk(child, depth + 1);
}

function sourceOf(content, node) {
  const { currentOffset, endOffset } = node.sourcePosition;
  // endOffset is the offset of the expression's last character.
  return content.slice(currentOffset, endOffset + 1).replace(/\s+/g, ' ');
}

const booleans = (node) => new Set((node.values ?? []).map((v) => v.value.boolValue).filter((b) => b !== undefined));

/** Offsets of every `allow ...: if <condition>;` whose condition is not a literal, with its text. */
export function ruleConditions(content) {
  const found = [];
  for (const match of content.matchAll(/\ballow\s+[\w\s,]+:\s*if\s+([^;]+);/g)) {
    const condition = match[1].trim();
    if (condition === 'true' || condition === 'false') continue;
    found.push({ offset: match.index + match[0].indexOf(condition, match[0].indexOf(':')), condition });
  }
  return found;
}

/**
 * What the report says was not exercised, as readable lines (empty when everything was):
 * an expression never evaluated, a condition or function body never seen both true and false,
 * an allow condition the report does not list at all.
 */
export function coverageGaps(coverage) {
  // Offsets are per file; Hearth loads one rules file.
  const [{ content }] = coverage.rules.files;
  const gaps = [];
  const roots = new Set();
  for (const root of coverage.report ?? []) {
    roots.add(root.sourcePosition.currentOffset);
    for (const { node, depth } of walk(root)) {
      const where = `line ${node.sourcePosition.line}: ${sourceOf(content, node)}`;
      if (!node.values?.length) {
        gaps.push(`never evaluated, ${where}`);
      } else if (depth === 0) {
        const seen = booleans(node);
        for (const outcome of [true, false]) {
          if (!seen.has(outcome)) gaps.push(`never ${outcome}, ${where}`);
        }
      }
    }
  }
  for (const { offset, condition } of ruleConditions(content)) {
    if (!roots.has(offset)) gaps.push(`not in the report: if ${condition.replace(/\s+/g, ' ')}`);
  }
  return gaps;
}

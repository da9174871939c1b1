// A thin Jest-compatible layer over `Deno.test`, so the core modules' unit tests (written for
// Jest) run unchanged under Deno: describe / it / test (with .each), before/after hooks, and
// Jest's own `expect` package.
import { expect } from 'expect';

type Fn = () => unknown;
interface Suite {
  name: string;
  tests: Array<{ name: string; fn: Fn }>;
  children: Suite[];
  beforeEach: Fn[];
  afterEach: Fn[];
  beforeAll: Fn[];
  afterAll: Fn[];
}

const newSuite = (name: string): Suite => ({ name, tests: [], children: [], beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] });
const root = newSuite('');
let current = root;

/** Jest's test-name formatting: printf-style for array rows, `$key` for object rows. */
function title(template: string, row: unknown): string {
  if (Array.isArray(row)) {
    let i = 0;
    return template.replace(/%[sdipjo#%]/g, (m) => (m === '%%' ? '%' : m === '%#' ? '' : String(row[i++])));
  }
  if (row && typeof row === 'object') return template.replace(/\$(\w+)/g, (_m, k: string) => String((row as Record<string, unknown>)[k]));
  return template.replace(/%[sdipjo]/, String(row));
}

function each(register: (name: string, fn: Fn) => void) {
  return (table: unknown[]) => (template: string, fn: (...args: unknown[]) => unknown) => {
    for (const row of table) register(title(template, row), () => (Array.isArray(row) ? fn(...row) : fn(row)));
  };
}

function describe(name: string, body: () => void): void {
  const suite = newSuite(name);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}
describe.each = each((name, fn) => describe(name, fn as () => void));

function it(name: string, fn: Fn): void {
  current.tests.push({ name, fn });
}
it.each = each(it);

const g = globalThis as unknown as Record<string, unknown>;
g.describe = describe;
g.it = it;
g.test = it;
g.expect = expect;
g.beforeEach = (fn: Fn) => current.beforeEach.push(fn);
g.afterEach = (fn: Fn) => current.afterEach.push(fn);
g.beforeAll = (fn: Fn) => current.beforeAll.push(fn);
g.afterAll = (fn: Fn) => current.afterAll.push(fn);

async function runSuite(t: Deno.TestContext, suite: Suite, hooks: { before: Fn[]; after: Fn[] }): Promise<void> {
  const before = [...hooks.before, ...suite.beforeEach];
  const after = [...suite.afterEach, ...hooks.after];
  for (const fn of suite.beforeAll) await fn();
  for (const test of suite.tests) {
    await t.step(test.name, async () => {
      for (const fn of before) await fn();
      try {
        await test.fn();
      } finally {
        for (const fn of after) await fn();
      }
    });
  }
  for (const child of suite.children) await t.step(child.name, (ct) => runSuite(ct, child, { before, after }));
  for (const fn of suite.afterAll) await fn();
}

/** Registers one Deno test per top-level describe of the spec files imported so far. */
export function registerSuites(file: string): void {
  for (const suite of root.children.splice(0)) {
    Deno.test({ name: `${file} › ${suite.name}`, sanitizeOps: false, sanitizeResources: false, fn: (t) => runSuite(t, suite, { before: [], after: [] }) });
  }
  for (const test of root.tests.splice(0))
    Deno.test({ name: `${file} › ${test.name}`, sanitizeOps: false, sanitizeResources: false, fn: test.fn as () => Promise<void> });
}

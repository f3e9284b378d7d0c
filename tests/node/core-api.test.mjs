// The typed JS API of the wasm core (contract §4): plain objects, amounts as strings, errors as Error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const core = createRequire(import.meta.url)(join(root, 'pkg/node/aipkit_usage.js'));

const seedRule = { id: 7, usage_type: 'chat', provider: 'openai', model: 'gpt-4o', method: 'per_1k_tokens', input_rate: '1', output_rate: '2', unit_rate: null };
const seedUsage = { usage_type: 'chat', provider: 'openai', model: 'gpt-4o', input_tokens: 800, output_tokens: 300, images: 0, videos: 0 };

test('quote returns a plain object with string amounts and the seed breakdown', () => {
  const q = core.quote({ rules: [seedRule], usage: seedUsage });
  assert.equal(Object.getPrototypeOf(q), Object.prototype);
  assert.ok(!(q instanceof Map));
  assert.equal(q.credits, '1.400000');
  assert.equal(typeof q.units, 'string');
  assert.deepEqual(q.breakdown.map((l) => [l.calculation, l.amount]), [
    ['800 / 1000 × 1', '0.8'], ['300 / 1000 × 2', '0.6'], ['0.8 + 0.6', '1.4'],
  ]);
  assert.equal(Object.getPrototypeOf(q.rule_snapshot), Object.prototype);
  assert.equal(q.rule_snapshot.unit_rate, null);
});

test('every typed function matches call(op, …)', () => {
  const now = 1795651200;
  const pairs = [
    ['version', () => core.version(), 'version', {}],
    ['validateRule', () => core.validateRule(seedRule), 'validate_rule', { rule: seedRule }],
    ['quote', () => core.quote({ rules: [], usage: seedUsage }), 'quote', { rules: [], usage: seedUsage }],
    ['price', () => core.price({ rules: [seedRule], usage: seedUsage }), 'price', { rules: [seedRule], usage: seedUsage }],
    ['effectiveLimit', () => core.effectiveLimit({ subject: 'user', roles: ['editor'], guest_limit: null, user_limit: '1', role_limits: { editor: '500' } }), 'effective_limit', { subject: 'user', roles: ['editor'], guest_limit: null, user_limit: '1', role_limits: { editor: '500' } }],
    ['periodKey', () => core.periodKey({ period: 'weekly', now, utc_offsets: [{ from: null, offset: 0 }], start_of_week: 1 }), 'period', { period: 'weekly', now, utc_offsets: [{ from: null, offset: 0 }], start_of_week: 1 }],
    ['admit', () => core.admit({ estimate: '1.4', balance_available: '1', quota_remaining: '1', order: 'balance_first' }), 'admit', { estimate: '1.4', balance_available: '1', quota_remaining: '1', order: 'balance_first' }],
    ['settle', () => core.settle({ hold_balance: '1', hold_quota: '0.4', actual: '2', balance_available: '0.3', quota_remaining: '0', order: 'balance_first' }), 'settle', { hold_balance: '1', hold_quota: '0.4', actual: '2', balance_available: '0.3', quota_remaining: '0', order: 'balance_first' }],
    ['adjustBalance', () => core.adjustBalance({ current: '10', expected: '10', new: '25.5' }), 'adjust_balance', { current: '10', expected: '10', new: '25.5' }],
    ['reconcile', () => core.reconcile({ balances: [{ user_id: 5, balance: '3' }], entries: [] }), 'reconcile', { balances: [{ user_id: 5, balance: '3' }], entries: [] }],
    ['idempotencyKey', () => core.idempotencyKey({ kind: 'usage', parts: ['req-abc'] }), 'idempotency_key', { kind: 'usage', parts: ['req-abc'] }],
    ['scoreBand', () => core.scoreBand({ score: '0.87', scale: 'fraction' }), 'score_band', { score: '0.87', scale: 'fraction' }],
    ['csvRows', () => core.csvRows({ rows: [['a', '=1+2']] }), 'csv_rows', { rows: [['a', '=1+2']] }],
    ['retentionCutoff', () => core.retentionCutoff({ now, days: 30 }), 'retention_cutoff', { now, days: 30 }],
  ];
  for (const [name, typed, op, req] of pairs) {
    assert.equal(typeof core[name], 'function', `${name} is exported`);
    assert.deepStrictEqual(typed(), core.call(op, req), name);
  }
  assert.equal(core.adjustBalance({ current: '10', expected: '10', new: '25.5' }).delta, '15.500000');
  assert.equal(core.settle({ hold_balance: '1', hold_quota: '0.4', actual: '2', balance_available: '0.3', quota_remaining: '0', order: 'balance_first' }).uncovered, '0.300000');
});

test('errors are Error objects with code and field; nothing is thrown as a string', () => {
  const bad = [
    [() => core.admit({ estimate: 'NaN', balance_available: '1', quota_remaining: null, order: 'balance_first' }), 'invalid_amount', 'estimate'],
    [() => core.admit(undefined), 'malformed_input', null],
    [() => core.quote(null), 'malformed_input', null],
    [() => core.quote({ rules: [], usage: { ...seedUsage, input_tokens: -1 } }), 'invalid_count', 'usage.input_tokens'],
    [() => core.quote({ rules: [], usage: { ...seedUsage, input_tokens: Number.NaN } }), 'invalid_count', 'usage.input_tokens'],
    [() => core.quote({ rules: [], usage: { ...seedUsage, input_tokens: Infinity } }), 'invalid_count', 'usage.input_tokens'],
    [() => core.quote({ rules: [], usage: { ...seedUsage, input_tokens: 10n ** 13n } }), 'invalid_count', 'usage.input_tokens'],
    [() => core.adjustBalance({ current: '11', expected: '10', new: '1' }), 'stale_balance', 'expected'],
    [() => core.call('nope', {}), 'unknown_op', 'op'],
    [() => core.validateRule({ ...seedRule, method: 'per_video' }), 'method_not_allowed', 'rule.method'],
    [() => core.csvRows({ rows: [[Symbol('x')]] }), 'malformed_input', null],
  ];
  for (const [fn, code, field] of bad) {
    let caught;
    try { fn(); } catch (e) { caught = e; }
    assert.ok(caught instanceof Error, `expected an Error for ${code}`);
    assert.equal(caught.code, code, caught.message);
    if (field !== null) assert.equal(caught.field, field);
  }
});

test('BigInt counts are whole numbers', () => {
  assert.equal(core.quote({ rules: [], usage: { ...seedUsage, input_tokens: 10n, output_tokens: 0 } }).units, '10');
});

test('the web build loads from bytes with initSync and agrees with the node build', async () => {
  const web = await import(join(root, 'pkg/web/aipkit_usage.js'));
  web.initSync({ module: readFileSync(join(root, 'pkg/web/aipkit_usage_bg.wasm')) });
  const req = { rules: [seedRule], usage: seedUsage };
  assert.deepStrictEqual(web.quote(req), core.quote(req));
});

test('optimised wasm stays within 200 KB', () => {
  const size = readFileSync(join(root, 'pkg/web/aipkit_usage_bg.wasm')).length;
  assert.ok(size <= 200 * 1024, `wasm is ${size} bytes`);
});

test('every typed function answers wrong argument types with a coded Error and keeps working', () => {
  const cyclic = {}; cyclic.self = cyclic;
  const throwing = { get usage() { throw new Error('getter failed'); } };
  const args = [undefined, null, 1, 'x', true, [1], Number.NaN, Infinity, Symbol('s'), () => 1, 10n, cyclic, throwing];
  const objectFns = ['validateRule', 'quote', 'price', 'effectiveLimit', 'periodKey', 'admit', 'settle', 'adjustBalance',
    'reconcile', 'idempotencyKey', 'scoreBand', 'csvRows', 'retentionCutoff'];
  const expectError = (fn, code, field, what) => {
    let caught;
    try { fn(); } catch (e) { caught = e; }
    assert.ok(caught instanceof Error, `${what}: expected an Error`);
    assert.equal(caught.code, code, `${what}: ${caught.message}`);
    if (field !== undefined) assert.equal(caught.field, field, what);
    assert.ok(caught.message.length > 0);
  };
  for (const name of objectFns) {
    for (const a of args) expectError(() => core[name](a), 'malformed_input', undefined, `${name}(${String(typeof a)})`);
  }
  // String parameters: wasm-bindgen's &str glue does not check types (a number trapped in the allocator).
  for (const a of args.filter((x) => typeof x !== 'string')) {
    expectError(() => core.priceText(a), 'malformed_input', 'text', `priceText(${typeof a})`);
    expectError(() => core.call(a, {}), 'unknown_op', 'op', `call(${typeof a})`);
  }
  // After all of that the module still prices correctly.
  assert.deepStrictEqual(core.priceText('chat\topenai\tgpt-4o\t800\t300\t\t\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t'),
    { credits: '1.400000', rule_id: 7, fallback: false, units: '1100' });
  assert.equal(core.quote({ rules: [seedRule], usage: seedUsage }).credits, '1.400000');
});

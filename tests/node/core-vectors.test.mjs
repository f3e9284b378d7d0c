// Golden vectors through the WebAssembly build (pkg/node): the same files Rust and PHP run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const core = createRequire(import.meta.url)(join(root, 'pkg/node/aipkit_usage.js'));
const vecDir = join(root, 'tests/vectors');
const files = readdirSync(vecDir).filter((f) => f.endsWith('.json')).sort();

test('there are at least 150 golden vectors', () => {
  const n = files.reduce((s, f) => s + JSON.parse(readFileSync(join(vecDir, f), 'utf8')).length, 0);
  assert.ok(n >= 150, `only ${n} vectors`);
});

for (const file of files) {
  const cases = JSON.parse(readFileSync(join(vecDir, file), 'utf8'));
  test(`vectors ${file}`, async (t) => {
    for (const c of cases) {
      // Metering decisions are server-only ops (FFI / PHP); the browser module does not carry them.
      if (c.native_only) {
        await t.test(c.name, () => {
          assert.throws(() => core.call(c.op, {}), (e) => e.code === 'unknown_op');
        });
        continue;
      }
      await t.test(c.name, () => {
        // The compact price request also goes through its fast entry, which must answer the same.
        const fast = c.op === 'price_text' && c.input !== null && typeof c.input === 'object' && typeof c.input.text === 'string' && Object.keys(c.input).length === 1;
        if ('expect' in c) {
          if (fast) assert.deepStrictEqual(core.priceText(c.input.text), c.expect);
          const got = core.call(c.op, c.input);
          // Round-trip through JSON so a Map or undefined would show up as a difference.
          assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), c.expect);
          assert.deepStrictEqual(got, c.expect);
        } else {
          if (fast) {
            assert.throws(() => core.priceText(c.input.text), (e) => e instanceof Error && e.code === c.error && (!('field' in c) || e.field === c.field));
          }
          assert.throws(() => core.call(c.op, c.input), (e) => {
            assert.ok(e instanceof Error, 'throws an Error');
            assert.equal(e.code, c.error, `code for ${c.name}: ${e.message}`);
            if ('field' in c) assert.equal(e.field, c.field, `field for ${c.name}`);
            assert.ok(e.message.length > 0);
            return true;
          });
        }
      });
    }
  });
}

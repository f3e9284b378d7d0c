// WebAssembly (pkg/node) throughput of quote() on the seed example: plain JS objects in and out.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const core = createRequire(import.meta.url)(join(root, 'pkg/node/aipkit_usage.js'));
const n = Number(process.argv[2] || 300000);
const req = {
  rules: [{ id: 7, usage_type: 'chat', provider: 'openai', model: 'gpt-4o', method: 'per_1k_tokens', input_rate: '1', output_rate: '2' }],
  usage: { usage_type: 'chat', provider: 'openai', model: 'gpt-4o', input_tokens: 800, output_tokens: 300 },
};
if (core.quote(req).credits !== '1.400000') throw new Error('wrong result');
for (let i = 0; i < 20000; i++) core.quote(req); // JIT warm-up
const cpuNs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
const c = cpuNs();
const t = process.hrtime.bigint();
let last;
for (let i = 0; i < n; i++) last = core.quote(req);
const s = Number(process.hrtime.bigint() - t) / 1e9;
const cs = (cpuNs() - c) / 1e9;
if (last.credits !== '1.400000') throw new Error('wrong result');
const c2 = cpuNs();
const t2 = process.hrtime.bigint();
for (let i = 0; i < n; i++) last = core.price(req);
const s2 = Number(process.hrtime.bigint() - t2) / 1e9;
const cs2 = (cpuNs() - c2) / 1e9;
if (last.credits !== '1.400000') throw new Error('wrong result');
const text = 'chat\topenai\tgpt-4o\t800\t300\t\t\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t';
if (core.priceText(text).credits !== '1.400000') throw new Error('wrong result');
for (let i = 0; i < 20000; i++) core.priceText(text);
const c3 = cpuNs();
const t3 = process.hrtime.bigint();
for (let i = 0; i < n; i++) last = core.priceText(text);
const s3 = Number(process.hrtime.bigint() - t3) / 1e9;
const cs3 = (cpuNs() - c3) / 1e9;
if (last.credits !== '1.400000' || last.rule_id !== 7) throw new Error('wrong result');
console.log(`wasm-node  ${(n / s).toFixed(0).padStart(12)} req/s ${((s * 1e6) / n).toFixed(3).padStart(8)} us/call ${((cs * 1e6) / n).toFixed(3).padStart(8)} cpu-us/call  (quote(), objects in/out, ${n} calls)`);
console.log(`wasm-price ${(n / s2).toFixed(0).padStart(12)} req/s ${((s2 * 1e6) / n).toFixed(3).padStart(8)} us/call ${((cs2 * 1e6) / n).toFixed(3).padStart(8)} cpu-us/call  (price(): lean answer, same credits)`);
console.log(`wasm-ptext ${(n / s3).toFixed(0).padStart(12)} req/s ${((s3 * 1e6) / n).toFixed(3).padStart(8)} us/call ${((cs3 * 1e6) / n).toFixed(3).padStart(8)} cpu-us/call  (priceText(): compact text request, same answer object; the hot path)`);

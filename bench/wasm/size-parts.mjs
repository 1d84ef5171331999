// Where otlp.wasm's bytes are: each function goes to the first part of the C ABI (the span calls,
// the export loop, responses and retries, setup, propagation, stats, the log calls) whose exports reach it, and
// each row prints the code of the parts so far, gzipped together.
//   cmake --build --preset wasm --target otlp_wasm_names && node bench/wasm/size-parts.mjs [NAMED_WASM]
// NAMED_WASM (default build/wasm/names/otlp.wasm) is dist/otlp.wasm with its function names kept:
// the same code, byte for byte, once the names are stripped.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, '..', '..', 'build', 'wasm', 'names', 'otlp.wasm');
const wasm = readFileSync(file);

// The entry points of each part (the exports otlp.mjs calls).
const PARTS = {
  'span calls': ['otlp_start', 'otlp_set_attributes', 'otlp_add_event', 'otlp_add_link', 'otlp_record_exception',
    'otlp_set_status', 'otlp_update_name', 'otlp_end', 'otlp_key'],
  'export loop': ['otlp_next_request', 'otlp_next_deadline', 'otlp_flush', 'otlp_flush_state',
    'otlp_request_limits', 'otlp_scratch', 'otlp_io', 'otlp_text'],
  'responses and retries': ['otlp_result'],
  'setup': ['otlp_create', '_initialize'],
  'propagation': ['otlp_extract'],
  'stats': ['otlp_stats'],
  'log calls': ['otlp_logger', 'otlp_enabled', 'otlp_emit'],
};

// ---- the binary: each defined function's body bytes, in index order
let at = 8;
const leb = () => { let r = 0, s = 0, b; do { b = wasm[at++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return r; };
const bodies = [];
let data = new Uint8Array(0);
const kept = [wasm.subarray(0, 8)];  // the file without its custom sections (names)
while (at < wasm.length) {
  const from = at, id = wasm[at++], size = leb(), end = at + size;
  if (id !== 0) kept.push(wasm.subarray(from, end));
  if (id === 11) data = wasm.subarray(at, end);
  if (id === 10) for (let n = leb(); n > 0; n--) { const len = leb(); bodies.push(wasm.subarray(at, at + len)); at += len; }
  at = end;
}

// ---- the call graph, from the text form: function definitions come in index order
const wat = execFileSync('wasm-dis', [file], { maxBuffer: 1 << 28 }).toString();
const names = [], index = new Map(), calls = [], exports = new Map();
let current = -1;
const indirect = new Set();  // functions that call through the table
let table = [];
for (const line of wat.split('\n')) {
  let m;
  if ((m = /^ \(func \$(\S+)/.exec(line))) { current = names.length; index.set(m[1], current); names.push(m[1]); calls.push(new Set()); }
  else if ((m = /^ \(export "([^"]+)" \(func \$(\S+)\)\)/.exec(line))) exports.set(m[1], m[2]);
  else if (/^ \(elem /.test(line)) table = line.match(/\$\S+/g).map((s) => s.slice(1).replace(/\)$/, ''));
  else if (current >= 0) {
    for (const c of line.matchAll(/\(call \$(\S+)/g)) calls[current].add(c[1]);
    if (line.includes('call_indirect')) indirect.add(current);
  }
}
const dist = join(dirname(file), '..', 'dist', 'otlp.wasm');
const same = existsSync(dist) && Buffer.concat(kept).equals(readFileSync(dist));
if (names.length !== bodies.length) throw new Error(`size-parts: ${names.length} functions in the text, ${bodies.length} in the binary`);
// A call through the table may reach any function in it.
for (const f of indirect) for (const t of table) calls[f].add(t);

const reachedBy = names.map(() => new Set());
for (const [part, entries] of Object.entries(PARTS)) {
  const stack = entries.map((e) => index.get(exports.get(e))).filter((i) => i !== undefined);
  while (stack.length) {
    const f = stack.pop();
    if (reachedBy[f].has(part)) continue;
    reachedBy[f].add(part);
    for (const c of calls[f]) { const i = index.get(c); if (i !== undefined) stack.push(i); }
  }
}

// Parts in the order an exporter needs them: a function goes to the first part that reaches it,
// so each row is what that part adds to the rows above it, and the last column is the code of
// every row so far, gzipped together.
const order = [...Object.keys(PARTS), 'runtime'];
const partOf = names.map((_, i) => order.find((p) => reachedBy[i].has(p)) ?? 'runtime');
const gz = (bufs) => gzipSync(Buffer.concat(bufs), { level: 9 }).length;
const unescape = (n) => n.replace(/\\([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
console.log(`${file}: ${bodies.length} functions${same ? ', the same code as dist/otlp.wasm' : ''}`);
console.log('part                    functions   code B   code so far, gzip B   largest function');
const sofar = [];
for (const part of order) {
  const fs = names.map((_, i) => i).filter((i) => partOf[i] === part);
  if (!fs.length) continue;
  fs.sort((a, b) => bodies[b].length - bodies[a].length);
  sofar.push(...fs.map((i) => bodies[i]));
  const bytes = fs.reduce((n, i) => n + bodies[i].length, 0);
  console.log(`${part.padEnd(22)} ${String(fs.length).padStart(10)} ${String(bytes).padStart(8)} ${String(gz(sofar)).padStart(21)}   ` +
    `${unescape(names[fs[0]]).slice(0, 70)}`);
}
console.log(`data segments (texts, tables): ${data.length} B, ${gz([data])} B gzipped`);

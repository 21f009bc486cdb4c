// Peer benchmark: Human 3.3.6 (the library BlazorMood's first models come from) on the same frames as `bench peer`.
//
//   node bench/peer/human-peer.mjs --frames DIR [--iterations N] [--warmup N] [--out FILE]
//
// DIR holds <name>.rgb (raw RGB24) + <name>.json ({width, height}) written by `bench peer`. Human runs in Node with
// the TF.js WASM backend (SIMD, one thread), face detector + emotion only, as its demo configures them for emotion;
// result caching and frame skipping are switched off (cacheSensitivity 0, skipFrames 0, skipTime 0) so that every
// frame is analysed, as the product does. Besides wall-clock time it records the process CPU time of each call
// (process.cpuUsage: every thread of Node, which is at worst generous to Human), steadier on a loaded machine. Frames are handed over already decoded (a tensor): JPEG decoding is not
// timed for Human, while the product's figure includes it, so the ratio is conservative.
// Packages: the cached @vladmandic/human package (.cache/npm/...) and tools/parity's node_modules (@tensorflow/tfjs 4.22.0
// and @tensorflow/tfjs-backend-wasm 4.22.0, `npm ci` in tools/parity).
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const opts = { frames: null, iterations: 200, warmup: 20, out: null, pkg: join(repoRoot, '.cache', 'npm', 'vladmandic-human-3.3.6', 'package') };
for (let i = 2; i < process.argv.length; i++) {
  const next = () => process.argv[++i];
  switch (process.argv[i]) {
    case '--frames': opts.frames = resolve(next()); break;
    case '--iterations': opts.iterations = Number(next()); break;
    case '--warmup': opts.warmup = Number(next()); break;
    case '--out': opts.out = resolve(next()); break;
    case '--package': opts.pkg = resolve(next()); break;
    default: throw new Error(`unknown argument ${process.argv[i]}`);
  }
}
if (!opts.frames) throw new Error('--frames DIR is required');
const parityModules = join(repoRoot, 'tools', 'parity', 'node_modules');
if (!existsSync(join(parityModules, '@tensorflow', 'tfjs-backend-wasm'))) {
  console.error('tools/parity/node_modules lacks @tensorflow/tfjs-backend-wasm: run npm ci in tools/parity');
  process.exit(2);
}

// Human's Node WASM build, evaluated with tools/parity's require so it shares its TF.js packages.
const require = createRequire(join(repoRoot, 'tools', 'parity', 'package.json'));
const file = join(opts.pkg, 'dist', 'human.node-wasm.js');
const mod = { exports: {} };
new Function('require', 'module', 'exports', '__filename', '__dirname', readFileSync(file, 'utf8'))(require, mod, mod.exports, file, dirname(file));
const { Human } = mod.exports;

// TF.js fetches models over HTTP in Node without tfjs-node: serve the package's models folder on loopback.
const modelsDir = join(opts.pkg, 'models');
const server = createServer((req, res) => {
  const path = join(modelsDir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, ''));
  if (!path.startsWith(modelsDir) || !existsSync(path)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': extname(path) === '.json' ? 'application/json' : 'application/octet-stream' }).end(readFileSync(path));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const port = server.address().port;

const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const human = new Human({
  backend: 'wasm',
  wasmPath: join(wasmDir, 'dist') + '/',
  wasmPlatformFetch: false,
  modelBasePath: `http://127.0.0.1:${port}/`,
  debug: false,
  warmup: 'none',
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: 10, skipFrames: 0, skipTime: 0, minConfidence: 0.2 },
    mesh: { enabled: false },
    iris: { enabled: false },
    attention: { enabled: false },
    description: { enabled: false },
    emotion: { enabled: true, modelPath: 'emotion.json', skipFrames: 0, skipTime: 0 },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    gear: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
});
await human.load();
await human.tf.ready();
const backend = human.tf.getBackend();

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const results = [];
for (const name of readdirSync(opts.frames).filter((f) => f.endsWith('.rgb')).sort()) {
  const meta = JSON.parse(readFileSync(join(opts.frames, name.replace(/\.rgb$/, '.json')), 'utf8'));
  const rgb = readFileSync(join(opts.frames, name));
  const tensor = human.tf.tensor(new Int32Array(rgb), [1, meta.height, meta.width, 3], 'int32');
  let faces = 0;
  const times = [];
  const cpu = [];
  for (let i = 0; i < opts.warmup + opts.iterations; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = await human.detect(tensor);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    faces = r.face.length;
    if (i >= opts.warmup) { times.push(ms); cpu.push((c.user + c.system) / 1000); }
  }
  cpu.sort((a, b) => a - b);
  tensor.dispose();
  times.sort((a, b) => a - b);
  const row = { frame: name.replace(/\.rgb$/, ''), width: meta.width, height: meta.height, faces, runs: times.length, p50: pct(times, 0.5), p95: pct(times, 0.95), p99: pct(times, 0.99), cpuP50: pct(cpu, 0.5), cpuP95: pct(cpu, 0.95) };
  results.push(row);
  console.error(`human ${row.frame}: ${faces} faces, p50 ${row.p50.toFixed(2)} ms, p95 ${row.p95.toFixed(2)} ms (${backend})`);
}
server.close();
const out = JSON.stringify({ peer: 'human', version: human.version, backend, simd: true, threads: 1, results }, null, 2);
if (opts.out) writeFileSync(opts.out, out + '\n'); else console.log(out);

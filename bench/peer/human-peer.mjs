// Peer benchmark: Human 3.3.6 (the library BlazorMood's first models come from) on the same frames as `bench peer`.
//
//   node bench/peer/human-peer.mjs --frames DIR [--iterations N] [--warmup N] [--out FILE]
//   node bench/peer/human-peer.mjs --streams DIR --fps F [--iterations N] [--warmup N] [--out FILE]
//
// --streams: DIR holds sequences <stream>.<NNN>.rgb (+ <stream>.json), played in a loop at F frames a second (each
// frame handed over on its 1/F tick, as a camera would) to a Human with its own result caching and frame skipping at
// their defaults (cacheSensitivity 0.7; the detector reused up to 2.5 s, the emotion up to 1.5 s while the picture
// changes little): Human as its demo runs on a live stream. Its caches work in wall-clock time, hence the pacing.
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
const opts = { frames: null, streams: null, fps: 10, iterations: 200, warmup: 20, out: null, pkg: join(repoRoot, '.cache', 'npm', 'vladmandic-human-3.3.6', 'package') };
for (let i = 2; i < process.argv.length; i++) {
  const next = () => process.argv[++i];
  switch (process.argv[i]) {
    case '--frames': opts.frames = resolve(next()); break;
    case '--streams': opts.streams = resolve(next()); break;
    case '--fps': opts.fps = Number(next()); break;
    case '--iterations': opts.iterations = Number(next()); break;
    case '--warmup': opts.warmup = Number(next()); break;
    case '--out': opts.out = resolve(next()); break;
    case '--package': opts.pkg = resolve(next()); break;
    default: throw new Error(`unknown argument ${process.argv[i]}`);
  }
}
if (!opts.frames === !opts.streams) throw new Error('one of --frames DIR and --streams DIR is required');
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
const caching = opts.streams
  ? {}
  : { cacheSensitivity: 0 };
const skip = (defaults) => (opts.streams ? {} : defaults);
const human = new Human({
  ...caching,
  backend: 'wasm',
  wasmPath: join(wasmDir, 'dist') + '/',
  wasmPlatformFetch: false,
  modelBasePath: `http://127.0.0.1:${port}/`,
  debug: false,
  warmup: 'none',
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: 10, minConfidence: 0.2, ...skip({ skipFrames: 0, skipTime: 0 }) },
    mesh: { enabled: false },
    iris: { enabled: false },
    attention: { enabled: false },
    description: { enabled: false },
    emotion: { enabled: true, modelPath: 'emotion.json', ...skip({ skipFrames: 0, skipTime: 0 }) },
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
if (opts.streams) {
  const sleep = (ms) => new Promise((ok) => setTimeout(ok, Math.max(0, ms)));
  const streams = [...new Set(readdirSync(opts.streams).filter((f) => f.endsWith('.rgb')).map((f) => f.replace(/\.\d+\.rgb$/, '')))].sort();
  for (const stream of streams) {
    const meta = JSON.parse(readFileSync(join(opts.streams, stream + '.json'), 'utf8'));
    const files = readdirSync(opts.streams).filter((f) => f.startsWith(stream + '.') && f.endsWith('.rgb')).sort();
    const tensors = files.map((f) => human.tf.tensor(new Int32Array(readFileSync(join(opts.streams, f))), [1, meta.height, meta.width, 3], 'int32'));
    const times = [];
    const cpu = [];
    let faces = 0;
    let next = performance.now();
    for (let i = 0; i < opts.warmup + opts.iterations; i++) {
      await sleep(next - performance.now());
      next += 1000 / opts.fps;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const r = await human.detect(tensors[i % tensors.length]);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const c = process.cpuUsage(c0);
      faces = r.face.length;
      if (i >= opts.warmup) { times.push(ms); cpu.push((c.user + c.system) / 1000); }
    }
    tensors.forEach((t) => t.dispose());
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const row = { stream, frames: files.length, fps: opts.fps, faces, runs: times.length, p50: pct(times, 0.5), p95: pct(times, 0.95), p99: pct(times, 0.99), cpuP50: pct(cpu, 0.5), cpuP95: pct(cpu, 0.95) };
    results.push(row);
    console.error(`human (caching on) ${stream}: ${faces} faces, p50 ${row.p50.toFixed(2)} ms, p95 ${row.p95.toFixed(2)} ms (${backend})`);
  }
}
for (const name of opts.streams ? [] : readdirSync(opts.frames).filter((f) => f.endsWith('.rgb')).sort()) {
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
const used = { cacheSensitivity: human.config.cacheSensitivity, detector: { skipFrames: human.config.face.detector.skipFrames, skipTime: human.config.face.detector.skipTime }, emotion: { skipFrames: human.config.face.emotion.skipFrames, skipTime: human.config.face.emotion.skipTime } };
const out = JSON.stringify({ peer: 'human', version: human.version, backend, simd: true, threads: 1, caching: used, results }, null, 2);
if (opts.out) writeFileSync(opts.out, out + '\n'); else console.log(out);

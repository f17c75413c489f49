#!/usr/bin/env node
// Measures the fast path's tanh and sigmoid approximations (as the WebAssembly kernels
// compute them) against Math.tanh and 1/(1+exp(-x)) on EVERY float32 in [-12, 12]: the
// source of the bounds stated in test/fast-activations.test.ts. About a minute per sign.
// Needs `npm run build`.
import { FastKernels, KERNELS_NAME } from '../dist/src/models/autoencoder/fast-kernels.js';
import { nodePlatform } from '../dist/src/fast/node-platform.js';

const kernels = new FastKernels(nodePlatform.wasmModule(KERNELS_NAME), { timesteps: 1000, inputDim: 1, latentDim: 1 }, 1000, 'sigmoid');
const chunk = 1 << 19;
const bits = new Uint32Array(chunk);
const x = new Float32Array(bits.buffer);
const top = new Uint32Array(new Float32Array([12]).buffer)[0];
for (const sign of [0, 0x80000000]) {
  let tanhWorst = 0, tanhAt = 0, sigmoidWorst = 0, sigmoidAt = 0;
  for (let start = 0; start <= top; start += chunk) {
    for (let i = 0; i < chunk; i++) bits[i] = (start + i) | sign;
    const t = kernels.approximate('tanh', x);
    const s = kernels.approximate('sigmoid', x);
    for (let i = 0; i < chunk; i++) {
      const v = x[i];
      const et = Math.abs(t[i] - Math.tanh(v));
      if (et > tanhWorst) [tanhWorst, tanhAt] = [et, v];
      const es = Math.abs(s[i] - 1 / (1 + Math.exp(-v)));
      if (es > sigmoidWorst) [sigmoidWorst, sigmoidAt] = [es, v];
    }
  }
  console.log(`${sign ? 'negative' : 'positive'} float32 up to |x| = 12: tanh max error ${tanhWorst.toExponential(3)} at ${tanhAt}, sigmoid ${sigmoidWorst.toExponential(3)} at ${sigmoidAt}`);
}

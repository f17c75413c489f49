import ortNode from 'onnxruntime-node';
import type { Sequences } from '../src/train/sequences.js';

/** What an exported model answers: the codes and, for the whole autoencoder, the reconstruction. */
export interface OnnxAnswer {
  code: Float32Array;
  /** the encoder's state at every step (N,T,L) */
  states: Float32Array;
  reconstruction?: Float32Array;
}

/** The ONNX Runtime API both packages share (onnxruntime-node's native CPU library, onnxruntime-web's WASM). */
export type OrtApi = Pick<typeof ortNode, 'InferenceSession' | 'Tensor'>;

/**
 * Runs exported bytes in ONNX Runtime on windows as our models take them: x (N,T,D), and
 * lengths (N) as int64 when the model was exported masked (the session says whether it wants them).
 */
export async function runOnnx(bytes: Uint8Array, x: Sequences, ort: OrtApi = ortNode): Promise<OnnxAnswer> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const [N, T] = x.shape;
    const feeds: Record<string, InstanceType<OrtApi['Tensor']>> = { x: new ort.Tensor('float32', x.data, [...x.shape]) };
    if (session.inputNames.includes('lengths')) {
      const lengths = x.lengths ?? new Int32Array(N).fill(T);
      feeds['lengths'] = new ort.Tensor('int64', BigInt64Array.from(lengths, (v) => BigInt(v)), [N]);
    }
    const out = await session.run(feeds);
    const code = out['code']!.data as Float32Array;
    const states = out['states']!.data as Float32Array;
    const reconstruction = out['reconstruction']?.data as Float32Array | undefined;
    return reconstruction ? { code, states, reconstruction } : { code, states };
  } finally {
    await session.release();
  }
}

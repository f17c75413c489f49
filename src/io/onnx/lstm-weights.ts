/**
 * A Keras LSTM's weights as ONNX's LSTM operator wants them (one direction):
 *   Keras  kernel (In,4L), recurrent_kernel (L,4L), bias (4L); gate blocks i, f, c, o
 *   ONNX   W (1,4L,In),    R (1,4L,L),              B (1,8L) = [Wb | Rb]; gate blocks i, o, f, c
 * Each ONNX block is the Keras block transposed; Keras's one bias goes in Wb, Rb is zero
 * (the operator adds the two).
 */
export interface OnnxLstmWeights {
  W: Float32Array;
  R: Float32Array;
  B: Float32Array;
}

/** ONNX's gate blocks i, o, f, c, each as its index in Keras's i, f, c, o. */
const KERAS_BLOCK_OF_ONNX_BLOCK = [0, 3, 1, 2] as const;

export function onnxLstmWeights(kernel: Float32Array, recurrentKernel: Float32Array, bias: Float32Array, inputSize: number, L: number): OnnxLstmWeights {
  if (kernel.length !== inputSize * 4 * L || recurrentKernel.length !== L * 4 * L || bias.length !== 4 * L) {
    throw new Error(`onnxLstmWeights: shapes (${kernel.length}, ${recurrentKernel.length}, ${bias.length}) do not fit input ${inputSize}, units ${L}`);
  }
  const B = new Float32Array(8 * L);
  KERAS_BLOCK_OF_ONNX_BLOCK.forEach((keras, onnx) => B.set(bias.subarray(keras * L, (keras + 1) * L), onnx * L));
  return { W: transposedGates(kernel, inputSize, L), R: transposedGates(recurrentKernel, L, L), B };
}

/** (rows,4L) Keras-ordered → (4L,rows) ONNX-ordered. */
function transposedGates(keras: Float32Array, rows: number, L: number): Float32Array {
  const out = new Float32Array(4 * L * rows);
  KERAS_BLOCK_OF_ONNX_BLOCK.forEach((kerasBlock, onnxBlock) => {
    for (let j = 0; j < L; j++) {
      for (let r = 0; r < rows; r++) out[(onnxBlock * L + j) * rows + r] = keras[r * 4 * L + kerasBlock * L + j]!;
    }
  });
  return out;
}

/** lstm-ae public API. */
export { InputError } from './data/input-error.js';
export { ParamLayout } from './engine/param-layout.js';
export { autoencoderLayout, WEIGHT_NAMES } from './model/autoencoder-layout.js';

import type { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { loadModel as loadModelNow } from './format.js';

/**
 * The model saved in a folder or model.json (by `lstm-ae train`, `model.save` or TF.js/Keras
 * in our layout), as a promise like every other model call (`LstmAutoencoder.load` does the same).
 */
export async function loadModel(path: string): Promise<LstmAutoencoder> {
  return loadModelNow(path);
}

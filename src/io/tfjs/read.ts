import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readInputFile } from '../read-input-file.js';
import { MAX_JSON_BYTES, parseJsonText } from './json.js';
import { parseTfjsModel, type TfjsModelParsed } from './parse-model.js';
import { shardReader } from './weights-read.js';

export { METADATA_KEY, type LstmAeMetadata, type TfjsModelContents } from './model-contents.js';

/** A model as read: its contents, every variant setting, and the files they came from (model.json, then each shard). */
export interface TfjsModelRead extends TfjsModelParsed {
  files: string[];
}

/**
 * Reads model.json (or a folder holding one) and its weight shards, whether TF.js, Keras via
 * tensorflowjs_converter, or we wrote them. Every problem is one InputError line naming the file.
 * The shards must be plain files inside model.json's folder (see weights-read.ts); model.json
 * itself may be at most 16 MiB and 64 levels deep.
 */
export function readTfjsModel(path: string): TfjsModelRead {
  const modelJson = isDirectory(path) ? join(path, 'model.json') : path;
  const text = readInputFile(modelJson, 'a TF.js model.json', { maxBytes: MAX_JSON_BYTES, limitText: 'a TF.js model.json of at most 16 MiB' }).toString('utf8');
  const shards = shardReader(dirname(modelJson), modelJson);
  const parsed = parseTfjsModel(parseJsonText(text, modelJson), modelJson, shards.read);
  return { ...parsed, files: [modelJson, ...shards.files] };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Reads a saved model file (KMeans, MiniBatchKMeans or BisectingKMeans) for predict. */
import * as fs from 'node:fs';
import { BisectingKMeans, KMeans, MiniBatchKMeans, type ModelJSON } from '../index';
import { DataFileError } from './data_error';
import type { SavedModel } from './stream_commands';

export function readModel(file: string): { model: SavedModel; featureNames: string[] | undefined } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(
      file,
      undefined,
      `cannot read the model: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  try {
    const json = JSON.parse(text) as Partial<ModelJSON>;
    const model =
      json?.model === 'MiniBatchKMeans'
        ? MiniBatchKMeans.fromJSON(json)
        : json?.model === 'BisectingKMeans'
          ? BisectingKMeans.fromJSON(json)
          : KMeans.fromJSON(json);
    return { model, featureNames: json.featureNames };
  } catch (error) {
    const message =
      error instanceof SyntaxError
        ? `Cannot read the model file: it is not valid JSON (${error.message})`
        : (error as Error).message;
    throw new DataFileError(file, undefined, message);
  }
}

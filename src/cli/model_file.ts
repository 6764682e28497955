/** Reads a saved model file (KMeans, MiniBatchKMeans or BisectingKMeans), with fit --scale's scaling, for predict. */
import * as fs from 'node:fs';
import { BisectingKMeans, KMeans, MiniBatchKMeans, type ModelJSON } from '../index';
import { DataFileError } from './data_error';
import { type Scaling, readScaling } from './scaling';

/** A model a command reads from its file. */
export type SavedModel = KMeans | MiniBatchKMeans | BisectingKMeans;

/** A model file as the command line writes it: the library's JSON and, after fit --scale, its scaling. */
export type CommandModelJSON = ModelJSON & { scaling?: Scaling };

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readModel(file: string): {
  model: SavedModel;
  featureNames: string[] | undefined;
  scaling: Scaling | undefined;
} {
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
  let json: Partial<CommandModelJSON>;
  let model: SavedModel;
  try {
    json = JSON.parse(text) as Partial<CommandModelJSON>;
    // The library reads the file without its "scaling", which predict applies to the rows first.
    const library = isObject(json) ? { ...json, scaling: undefined } : json;
    model =
      json?.model === 'MiniBatchKMeans'
        ? MiniBatchKMeans.fromJSON(library)
        : json?.model === 'BisectingKMeans'
          ? BisectingKMeans.fromJSON(library)
          : KMeans.fromJSON(library);
  } catch (error) {
    const message =
      error instanceof SyntaxError
        ? `Cannot read the model file: it is not valid JSON (${error.message})`
        : (error as Error).message;
    throw new DataFileError(file, undefined, message);
  }
  const scaling = readScaling(file, json.scaling, model.clusterCenters.cols);
  return { model, featureNames: json.featureNames, scaling };
}

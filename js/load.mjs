// Loading an exported model from files in Node.js. The pure-JavaScript package
// fetches models by URL (as a browser does); @tensorflow/tfjs-node, the native
// binding, would add file:// URLs. Here we read the files ourselves.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";

// edit(topology), if given, may change the model's description before it is built.
export async function loadModel(folder, edit = (topology) => topology) {
  const modelJson = JSON.parse(await readFile(join(folder, "model.json"), "utf8"));
  const groups = modelJson.weightsManifest;
  const files = await Promise.all(
    groups.flatMap((group) => group.paths.map((path) => readFile(join(folder, path)))),
  );
  const bytes = Buffer.concat(files); // the shards in the manifest's order
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: edit(modelJson.modelTopology),
      weightSpecs: groups.flatMap((group) => group.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    }),
  );
}

export async function loadVocabulary(folder) {
  return JSON.parse(await readFile(join(folder, "vocabulary.json"), "utf8"));
}

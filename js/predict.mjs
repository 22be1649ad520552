// node predict.mjs MODEL_FOLDER INPUTS.json OUTPUT.json
// The output of every layer of an exported model for a batch of token ids
// ({"inputs": [[...], ...]}, all of one length): what notebook 17 compares,
// layer by layer, with Keras.
import { readFile, writeFile } from "node:fs/promises";
import * as tf from "@tensorflow/tfjs";
import { loadModel } from "./load.mjs";

const [folder, inputsFile, outputFile] = process.argv.slice(2);
if (!outputFile) {
  console.error("usage: node predict.mjs MODEL_FOLDER INPUTS.json OUTPUT.json");
  process.exit(2);
}
const model = await loadModel(folder);
const { inputs } = JSON.parse(await readFile(inputsFile, "utf8"));
const layers = model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
const everyLayer = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output) });
const outputs = tf.tidy(() => everyLayer.predict(tf.tensor2d(inputs, undefined, "int32")));
const result = layers.map((layer, i) => ({
  name: layer.name,
  class: layer.getClassName(),
  output: outputs[i].arraySync(),
}));
tf.dispose(outputs);
await writeFile(outputFile, JSON.stringify({ tfjs: tf.version.tfjs, layers: result }));

// node defaults.mjs MODEL_FOLDER
// A default that differs (notebook 17): the exported character LSTM loaded as written,
// and loaded again with recurrent_activation left out of its model.json, so that
// TensorFlow.js uses its own default. The same weights, the same inputs.
import * as tf from "@tensorflow/tfjs";
import { loadModel } from "./load.mjs";

await tf.setBackend("cpu");
const defaultOf = (layer) => layer({ units: 1 }).getConfig().recurrentActivation;
console.log(
  `TensorFlow.js's default recurrentActivation: LSTM ${defaultOf(tf.layers.lstm)}, ` +
    `GRU ${defaultOf(tf.layers.gru)} (Keras 3: sigmoid)`,
);

const folder = process.argv[2];
const written = await loadModel(folder);
const leftOut = await loadModel(folder, (topology) => {
  for (const layer of topology.config.layers) delete layer.config.recurrent_activation;
  return topology;
});
const lstm = leftOut.layers.find((layer) => layer.getClassName() === "LSTM");
console.log(`recurrent_activation left out: the LSTM uses ${lstm.getConfig().recurrentActivation}`);

const [windows, steps] = [4, written.inputs[0].shape[1]];
const vocabulary = written.layers[0].getConfig().inputDim;
tf.tidy(() => {
  const ids = tf.randomUniform([windows, steps], 0, vocabulary, "int32", 0);
  const difference = tf.max(tf.abs(tf.sub(written.predict(ids), leftOut.predict(ids))));
  console.log(
    `next-character probabilities of ${windows} random windows, written vs left out: ` +
      `largest difference ${difference.dataSync()[0].toFixed(4)}`,
  );
});

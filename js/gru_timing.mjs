// node gru_timing.mjs MODEL_FOLDER [--steps N] [--repeats R]
// Where the word model's time goes in TensorFlow.js (notebook 17): the whole model,
// its Embedding + GRU alone, the same GRU computed by hand with its recurrent kernel
// split once and split at every step, an LSTM of the same size, and the two
// operations of one GRU step.
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { loadModel } from "./load.mjs";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: "string", default: "24" }, repeats: { type: "string", default: "5" } },
});
const steps = Number(options.steps);
const repeats = Number(options.repeats);

// Milliseconds of fn() (run inside tf.tidy, its result read back), after one warm-up
// call: [mean, standard deviation] of `repeats` calls.
function time(fn) {
  const once = () => {
    const start = performance.now();
    tf.tidy(() => { fn().dataSync(); });
    return performance.now() - start;
  };
  once();
  const ms = Array.from({ length: repeats }, once);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  const sd = Math.sqrt(ms.reduce((a, b) => a + (b - mean) ** 2, 0) / (ms.length - 1));
  return [mean, sd];
}

// The GRU of TensorFlow.js (reset_after=False: the reset gate before the recurrent
// kernel), step by step, with the same operations as its GRUCell. The recurrent
// kernel is split into its [z r] and h parts once, before the loop; or, with
// splitEveryStep, at every step, as TensorFlow.js's GRUCell does: the one change
// between the two hand-written rows.
function gruByHand(x, [kernel, recurrentKernel, bias], splitEveryStep = false) {
  // x: [1, steps, features]
  const units = recurrentKernel.shape[0];
  const split = () => tf.split(recurrentKernel, [2 * units, units], 1);
  let [uZR, uH] = splitEveryStep ? [] : split(); // before the loop
  let h = tf.zeros([1, units]);
  const outputs = [];
  for (let t = 0; t < x.shape[1]; t++) {
    if (splitEveryStep) [uZR, uH] = split(); // at every step
    const xt = x.slice([0, t, 0], [1, 1, -1]).reshape([1, -1]);
    const [xZ, xR, xH] = tf.split(tf.add(tf.matMul(xt, kernel), bias), 3, 1);
    const [hZ, hR] = tf.split(tf.matMul(h, uZR), 2, 1);
    const z = tf.sigmoid(tf.add(xZ, hZ));
    const r = tf.sigmoid(tf.add(xR, hR));
    const hh = tf.tanh(tf.add(xH, tf.matMul(tf.mul(r, h), uH)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    outputs.push(h);
  }
  return tf.stack(outputs, 1); // [1, steps, units], as return_sequences=True
}

await tf.setBackend("cpu");
const model = await loadModel(positionals[0]);
const [embedding, gru, dense] = model.layers;
const units = gru.getConfig().units;
const ids = tf.tensor2d([Array.from({ length: steps }, (_, i) => 2 + i)], [1, steps], "int32");
const embedded = tf.model({ inputs: model.inputs, outputs: embedding.output }).predict(ids);
const throughGru = tf.model({ inputs: model.inputs, outputs: gru.output });
const weights = gru.getWeights(); // kernel, recurrent kernel, bias
const lstm = tf.sequential({
  layers: [tf.layers.lstm({ units, returnSequences: true, recurrentActivation: "sigmoid",
    inputShape: [null, embedded.shape[2]], recurrentInitializer: "glorotUniform" })],
});
const difference = tf.tidy(() => {
  const layer = gru.apply(embedded);
  return Math.max(...[false, true].map((every) =>
    tf.max(tf.abs(tf.sub(gruByHand(embedded, weights, every), layer))).dataSync()[0]));
});
const gruOutputs = throughGru.predict(ids); // the GRU's outputs at the 24 positions
const h = tf.zeros([1, units]);
const [zr] = tf.split(weights[1], [2 * units, units], 1);

const rows = [
  [`the word model, ${steps} words`, time(() => model.predictOnBatch(ids))],
  ["  its Embedding + GRU alone", time(() => throughGru.predict(ids))],
  [`  its Dense(${dense.getConfig().units}), softmax, alone`,
    time(() => dense.apply(gruOutputs))],
  [`GRU(${units}), TensorFlow.js's layer`, time(() => gru.apply(embedded))],
  [`GRU(${units}), by hand, kernel split once`, time(() => gruByHand(embedded, weights))],
  [`GRU(${units}), by hand, split at every step`,
    time(() => gruByHand(embedded, weights, true))],
  [`LSTM(${units}), TensorFlow.js's layer`, time(() => lstm.predict(embedded))],
  [`one split of the ${units}x${3 * units} recurrent kernel`,
    time(() => tf.split(weights[1], [2 * units, units], 1)[0])],
  [`one product h x U (1x${units} by ${units}x${2 * units})`, time(() => tf.matMul(h, zr))],
];
console.log(`milliseconds, mean ± std of ${repeats} calls (TensorFlow.js ${tf.version.tfjs}, ` +
  `backend ${tf.getBackend()}); the GRU layers and the LSTM read the word model's ` +
  `embeddings of ${steps} words`);
for (const [name, [mean, sd]] of rows) {
  console.log(`${name.padEnd(48)} ${mean.toFixed(2).padStart(8)} ± ${sd.toFixed(2)}`);
}
console.log(`GRU by hand (both rows) vs the layer: outputs within ${difference.toExponential(1)}`);

// node generate.mjs MODEL_FOLDER [--prompt TEXT] [--length N] [--temperature T]
//                   [--seed S] [--stats FILE]
// Loads an exported model and its vocabulary, and writes text after the prompt.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { loadModel, loadVocabulary } from "./load.mjs";
import { generate, seededRandom } from "./textgen.js";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    prompt: { type: "string", default: "the meaning of life is" },
    length: { type: "string", default: "200" },
    temperature: { type: "string", default: "0.5" },
    seed: { type: "string", default: "42" },
    stats: { type: "string" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: node generate.mjs MODEL_FOLDER [--prompt TEXT] [--length N] ...");
  process.exit(2);
}
const length = Number(options.length);
const temperature = Number(options.temperature);
if (!(Number.isInteger(length) && length > 0) || !(temperature > 0)) {
  console.error("--length must be a positive whole number and --temperature above 0");
  process.exit(2);
}

const model = await loadModel(positionals[0]);
const vocabulary = await loadVocabulary(positionals[0]);
tf.tidy(() => { model.predict(tf.zeros([1, vocabulary.window ?? 1], "int32")); }); // warm-up

const start = performance.now();
const text = await generate(model, vocabulary, options.prompt, {
  length, temperature, random: seededRandom(Number(options.seed)),
});
const seconds = (performance.now() - start) / 1000;

const separator = vocabulary.kind === "words" ? " " : "";
console.log(`${options.prompt}${separator}${text}`);
console.log(`${length} ${vocabulary.kind} in ${seconds.toFixed(2)} s ` +
  `(${(length / seconds).toFixed(1)} per second, TensorFlow.js ${tf.version.tfjs}, backend ${tf.getBackend()})`);
if (options.stats) {
  await writeFile(options.stats, JSON.stringify({ tokens: length, seconds, text }));
}

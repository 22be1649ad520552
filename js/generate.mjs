// node generate.mjs MODEL_FOLDER [--prompt TEXT] [--length N] [--temperature T]
//                   [--seed S] [--repeats R] [--warmup] [--stats FILE]
// Loads an exported model and its vocabulary, and writes text after the prompt,
// R times (the same text each time, from the same seed), timing each; with
// --warmup, once more first, timed apart.
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
    repeats: { type: "string", default: "1" },
    warmup: { type: "boolean", default: false },
    stats: { type: "string" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: node generate.mjs MODEL_FOLDER [--prompt TEXT] [--length N] ...");
  process.exit(2);
}
const length = Number(options.length);
const temperature = Number(options.temperature);
const repeats = Number(options.repeats);
if (![length, repeats].every((n) => Number.isInteger(n) && n > 0) || !(temperature > 0)) {
  console.error("--length and --repeats must be positive whole numbers, --temperature above 0");
  process.exit(2);
}

const model = await loadModel(positionals[0]);
const vocabulary = await loadVocabulary(positionals[0]);
tf.tidy(() => { model.predictOnBatch(tf.zeros([1, vocabulary.window ?? 1], "int32")); }); // warm-up

const write = async () => {
  const start = performance.now();
  const text = await generate(model, vocabulary, options.prompt, {
    length, temperature, random: seededRandom(Number(options.seed)),
  });
  return [text, (performance.now() - start) / 1000];
};
const warmup = options.warmup ? (await write())[1] : null;
const seconds = [];
let text;
for (let run = 0; run < repeats; run++) {
  let s;
  [text, s] = await write();
  seconds.push(s);
}

const separator = vocabulary.kind === "words" ? " " : "";
const rate = (s) => `${length} ${vocabulary.kind} in ${s.toFixed(2)} s (${(length / s).toFixed(1)} per second`;
console.log(`${options.prompt}${separator}${text}`);
if (warmup !== null) console.log(`warm-up: ${rate(warmup)})`);
for (const s of seconds) {
  console.log(`${rate(s)}, TensorFlow.js ${tf.version.tfjs}, backend ${tf.getBackend()})`);
}
if (options.stats) {
  await writeFile(options.stats, JSON.stringify({ tokens: length, warmup, seconds, text }));
}

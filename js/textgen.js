// Text generation with an exported model, in Node.js and in the browser (notebook 17).
// The loop of notebooks 15 and 16, written out in JavaScript: predict the next
// token's probabilities, reweight them with a temperature, draw one, append it.
import * as tf from "@tensorflow/tfjs";

// probs ** (1 / T), normalised, with the largest logit subtracted first
// (helpers.generation.reweight_distribution). Zeros stay zeros.
export function reweight(probs, temperature) {
  const logits = Array.from(probs, (p) => Math.log(p) / temperature);
  const top = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

// One index drawn from the reweighted distribution; random() is uniform in [0, 1).
export function sampleNext(probs, temperature, random) {
  const weights = reweight(probs, temperature);
  let u = random();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.findLastIndex((w) => w > 0);
}

// A seeded generator (mulberry32): Math.random cannot be seeded.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The prompt as token ids, as the Python side made them. vocabulary.json says how:
// characters (a fixed window, padded with spaces on the left) or words (lower case,
// punctuation removed, unknown words -> [UNK]).
export function encode(vocabulary, prompt) {
  const index = new Map(vocabulary.tokens.map((token, i) => [token, i]));
  if (vocabulary.kind === "characters") {
    const chars = [...prompt.toLowerCase()].filter((c) => index.has(c));
    const window = vocabulary.window;
    const padded = [...Array(Math.max(0, window - chars.length)).fill(" "), ...chars];
    return padded.slice(-window).map((c) => index.get(c));
  }
  const words = prompt.toLowerCase().replace(/[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g, "")
    .split(/\s+/).filter((w) => w.length > 0);
  return words.map((w) => index.get(w) ?? vocabulary.unknown);
}

export function decode(vocabulary, ids) {
  const tokens = ids.map((i) => vocabulary.tokens[i]);
  return vocabulary.kind === "characters" ? tokens.join("") : tokens.join(" ");
}

// `length` new tokens after `prompt`. onToken(text so far) is called after each.
export async function generate(model, vocabulary, prompt, options) {
  const { length, temperature, random, onToken } = options;
  let ids = encode(vocabulary, prompt);
  if (ids.length === 0) throw new Error("the prompt has no known word: type another");
  const generated = [];
  for (let step = 0; step < length; step++) {
    // tf.tidy frees every tensor made inside it, except the one it returns.
    const probs = tf.tidy(() => {
      const input = tf.tensor2d([ids], [1, ids.length], "int32");
      const output = model.predictOnBatch(input); // (1, vocab) or, for words, (1, steps, vocab)
      return output.rank === 3 ? output.gather([ids.length - 1], 1).reshape([-1]) : output.reshape([-1]);
    });
    const values = await probs.data(); // the probabilities, copied out of the tensor
    probs.dispose();
    for (const id of vocabulary.never ?? []) values[id] = 0; // words: no padding, no [UNK]
    const next = sampleNext(values, temperature, random);
    generated.push(next);
    ids = vocabulary.kind === "characters" ? [...ids.slice(1), next] : [...ids, next];
    if (onToken) await onToken(decode(vocabulary, generated));
  }
  return decode(vocabulary, generated);
}

// The live page: the exported models write text in the browser (notebook 17).
// Everything is served by the site itself: TensorFlow.js, the models, this code.
import * as tf from "@tensorflow/tfjs";
import { generate } from "./textgen.js";

const root = document.getElementById("live-generation");
const form = document.getElementById("live-form");
const button = document.getElementById("live-write");
const status = document.getElementById("live-status");
const output = document.getElementById("live-output");
const models = new Map(); // name -> Promise of [model, vocabulary], loaded once

function load(name) {
  if (!models.has(name)) {
    const folder = `${root.dataset.models}/${name}`;
    models.set(name, Promise.all([
      tf.loadLayersModel(`${folder}/model.json`), // fetches the weights it lists
      fetch(`${folder}/vocabulary.json`).then((response) => response.json()),
    ]));
  }
  return models.get(name);
}

async function write(event) {
  event.preventDefault();
  const name = document.getElementById("live-model").value;
  const prompt = document.getElementById("live-prompt").value;
  const temperature = Number(document.getElementById("live-temperature").value);
  const length = Number(document.getElementById("live-length").value);
  if (!(temperature > 0) || !(Number.isInteger(length) && length > 0)) {
    status.textContent = "The temperature must be above 0 and the length a whole number above 0.";
    return;
  }
  button.disabled = true;
  delete status.dataset.done;
  try {
    status.textContent = "Loading the model…";
    const [model, vocabulary] = await load(name);
    tf.tidy(() => { model.predictOnBatch(tf.zeros([1, vocabulary.window ?? 1], "int32")); });
    status.textContent = "Writing…";
    const separator = vocabulary.kind === "words" ? " " : "";
    let painted = performance.now();
    const start = performance.now();
    await generate(model, vocabulary, prompt, {
      length, temperature, random: Math.random,
      onToken: async (text) => {
        output.textContent = prompt + separator + text;
        if (performance.now() - painted > 50) { // let the browser show it
          await new Promise((resolve) => setTimeout(resolve, 0));
          painted = performance.now();
        }
      },
    });
    const seconds = (performance.now() - start) / 1000;
    status.dataset.tokens = String(length);
    status.dataset.seconds = String(seconds);
    status.textContent = `${length} ${vocabulary.kind} in ${seconds.toFixed(2)} s ` +
      `(${(length / seconds).toFixed(1)} per second), TensorFlow.js ${tf.version.tfjs}, ` +
      `backend ${tf.getBackend()}`;
    status.dataset.done = "true";
  } catch (error) {
    status.textContent = `Could not write: ${error.message}`;
    status.dataset.done = "error";
  } finally {
    button.disabled = false;
  }
}

await tf.setBackend("cpu"); // plain JavaScript, as in Node.js
form.addEventListener("submit", write);
button.disabled = false;
status.textContent = `TensorFlow.js ${tf.version.tfjs} is ready (backend ${tf.getBackend()}).`;
status.dataset.ready = "true";

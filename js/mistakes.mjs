// node mistakes.mjs: six mistakes common in TensorFlow.js tutorials, each run,
// with what TensorFlow.js does about it (notebook 17).
import * as tf from "@tensorflow/tfjs";

const show = (title, what) => console.log(`${title}\n  -> ${what}\n`);
const attempt = async (run) => {
  try { return `no error: ${await run()}`; } catch (error) { return `${error.constructor.name}: ${error.message.split("\n")[0]}`; }
};
const lstmModel = () => {
  const model = tf.sequential();
  const seeded = { // seeded initial weights: the same numbers at every run
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }),
  };
  model.add(tf.layers.lstm({ units: 4, inputShape: [5, 1], ...seeded })); // 5 steps, 1 feature
  model.add(tf.layers.dense({ units: 1, kernelInitializer: seeded.kernelInitializer }));
  model.compile({ optimizer: "adam", loss: "meanSquaredError" });
  return model;
};
const xs = tf.randomUniform([32, 5, 1], 0, 1, "float32", 1);
const ys = xs.sum(1); // the sum of the 5 numbers

// 1. A 2-D input to an LSTM: [samples, steps] instead of [samples, steps, features].
show("1. model.predict(tf.tensor2d(...)) on an LSTM",
  await attempt(() => lstmModel().predict(tf.ones([2, 5])).shape));

// 2. Fitting without targets.
show("2. model.fit(xs) without ys",
  await attempt(async () => { await lstmModel().fit(xs); return "trained"; }));

// 3. compile on a layer: only a model has compile, fit and predict.
show("3. tf.layers.dense({units: 1}).compile(...)",
  await attempt(() => tf.layers.dense({ units: 1 }).compile({ optimizer: "adam", loss: "meanSquaredError" })));

// 4. Functions that TensorFlow.js does not have (Python names, or made up).
const names = ["tf.one_hot", "tf.oneHot", "tf.layers.oneHot", "tf.layers.categoryEncoding",
  "tf.random.categorical", "tf.multinomial", "model.predict_classes", "model.predictOnBatch"];
const model = lstmModel();
const lookup = { tf, model };
show("4. does it exist?", names.map((name) => {
  const [head, ...rest] = name.split(".");
  const found = rest.reduce((object, key) => object?.[key], lookup[head]);
  return `${name}: ${typeof found === "function" ? "yes" : "no"}`;
}).join(", "));
// tf.layers.categoryEncoding one-hot encodes ids, but its output has rank 2 at most.
const oneHot = tf.layers.categoryEncoding({ numTokens: 57, outputMode: "oneHot" });
show("   categoryEncoding oneHot on 2 ids, then on 2 windows of 60 ids",
  `[${oneHot.apply(tf.tensor1d([3, 5], "int32")).shape}], then ` +
  await attempt(() => oneHot.apply(tf.zeros([2, 60], "int32")).shape));

// 5. A fit that is not awaited: fit returns a Promise, and the code goes on at once.
const fresh = lstmModel();
const before = fresh.evaluate(xs, ys).dataSync()[0];
const training = fresh.fit(xs, ys, { epochs: 20, verbose: 0 }); // no await
const during = fresh.evaluate(xs, ys).dataSync()[0];
show("5. fit without await, then evaluate", `loss ${before.toFixed(4)} before, ` +
  `${during.toFixed(4)} right after fit() returned: not trained yet`);
show("   a second fit while the first runs", await attempt(async () => { await fresh.fit(xs, ys); }));
await training;
show("   after await", `loss ${fresh.evaluate(xs, ys).dataSync()[0].toFixed(4)}`);

// 6. Validating on the training data: the "validation" loss is the training loss.
const history = await lstmModel().fit(xs, ys, { epochs: 5, validationData: [xs, ys], verbose: 0 });
const last = (key) => history.history[key].at(-1).toFixed(4);
show("6. validationData: [xs, ys]", `after 5 epochs loss ${last("loss")}, "val_loss" ` +
  `${last("val_loss")}, measured on the training data itself: it says nothing about new data`);

// Memory: a tensor counts as live until it is disposed; tf.tidy disposes those made inside it.
const counted = tf.memory().numTensors;
for (let i = 0; i < 100; i++) model.predict(tf.ones([1, 5, 1])); // never disposed
const leaked = tf.memory().numTensors - counted;
for (let i = 0; i < 100; i++) tf.tidy(() => { model.predict(tf.ones([1, 5, 1])); });
show("Memory: 100 predictions", `without tf.tidy ${leaked} more live tensors ` +
  `(tf.memory().numTensors), with tf.tidy ${tf.memory().numTensors - counted - leaked} more ` +
  `(it disposes all but what it returns)`);

"""The TensorFlow.js export (helpers/tfjs.py, notebook 17) and the Node.js scripts
of js/, on small models made here.

The Node.js tests install @tensorflow/tfjs from js/package-lock.json (``npm ci``,
once) and are skipped without Node.js and npm, except where
``COURSE_REQUIRE_BROWSER`` is set (CI): there they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import keras
import numpy as np
import pytest

from helpers import tfjs
from helpers.generation import reweight_distribution


@keras.saving.register_keras_serializable(package="course_tests")
class OneHot(keras.layers.Layer):
    """Notebook 15's one-hot layer."""

    def __init__(self, depth, **kwargs):
        super().__init__(**kwargs)
        self.depth = depth

    def call(self, ids):
        return keras.ops.one_hot(ids, self.depth, dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "depth": self.depth}


def char_lstm(vocab=11, window=12, units=16):
    keras.utils.set_random_seed(1)
    inputs = keras.Input(shape=(window,), dtype="int32")
    h = OneHot(vocab, name="one_hot")(inputs)
    h = keras.layers.LSTM(units, name="lstm")(h)
    outputs = keras.layers.Dense(vocab, activation="softmax", name="next_char")(h)
    return keras.Model(inputs, outputs, name="char_lstm")


def word_gru(vocab=30, units=8, reset_after=False, **gru):
    keras.utils.set_random_seed(2)
    return keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab, 8, mask_zero=True, name="embedding"),
            keras.layers.GRU(
                units,
                return_sequences=True,
                reset_after=reset_after,
                name="gru",
                **gru,
            ),
            keras.layers.Dense(vocab, activation="softmax", name="next_word"),
        ],
        name="word_gru",
    )


def test_the_files_of_the_layers_format(tmp_path):
    model = char_lstm()
    rows = tfjs.export_layers_model(model, tmp_path)
    spec = json.loads((tmp_path / "model.json").read_text())
    assert spec["format"] == "layers-model"
    layers = spec["modelTopology"]["config"]["layers"]
    assert [layer["class_name"] for layer in layers] == ["Embedding", "LSTM", "Dense"]
    assert layers[0]["config"]["batch_input_shape"] == [None, 12]
    # TensorFlow.js's LSTM defaults to hard_sigmoid: the exporter always writes it.
    assert layers[1]["config"]["recurrent_activation"] == "sigmoid"
    weights = spec["weightsManifest"][0]["weights"]
    assert [w["name"] for w in weights] == [
        "one_hot/embeddings",
        "lstm/kernel",
        "lstm/recurrent_kernel",
        "lstm/bias",
        "next_char/kernel",
        "next_char/bias",
    ]
    size = sum(int(np.prod(w["shape"])) for w in weights)
    assert (tmp_path / tfjs.WEIGHTS_FILE).stat().st_size == 4 * size
    # the one-hot layer: no parameter in Keras, an identity matrix written
    assert rows[0]["Keras parameters"] == 0 and rows[0]["written"] == 11 * 11
    assert [r["Keras parameters"] for r in rows[1:]] == [r["written"] for r in rows[1:]]
    blob = np.frombuffer((tmp_path / tfjs.WEIGHTS_FILE).read_bytes(), dtype="<f4")
    assert np.array_equal(blob[: 11 * 11].reshape(11, 11), np.eye(11))
    kernel = keras.ops.convert_to_numpy(model.get_layer("lstm").cell.kernel)
    assert np.array_equal(blob[121 : 121 + kernel.size].reshape(kernel.shape), kernel)


def test_a_gru_with_reset_after_true_is_refused_with_the_fix(tmp_path):
    with pytest.raises(tfjs.TfjsExportError, match=r"reset_after=False\) and train"):
        tfjs.export_layers_model(word_gru(reset_after=True), tmp_path)
    assert not (tmp_path / "model.json").exists()


def test_a_layer_tensorflow_js_lacks_is_refused(tmp_path):
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(10, 4),
            keras.layers.LayerNormalization(name="norm"),
        ]
    )
    with pytest.raises(tfjs.TfjsExportError, match="'norm' \\(LayerNormalization\\)"):
        tfjs.export_layers_model(model, tmp_path)


def test_an_activation_that_differs_is_refused(tmp_path):
    model = word_gru(recurrent_activation="hard_sigmoid")
    with pytest.raises(
        tfjs.TfjsExportError, match="recurrent_activation='hard_sigmoid'"
    ):
        tfjs.export_layers_model(model, tmp_path)


def test_only_a_chain_of_layers_is_exported(tmp_path):
    inputs = keras.Input(shape=(5,), dtype="int32")
    h = keras.layers.Embedding(10, 4)(inputs)
    both = keras.layers.Concatenate()(
        [keras.layers.LSTM(3)(h), keras.layers.GRU(3, reset_after=False)(h)]
    )
    model = keras.Model(inputs, keras.layers.Dense(2)(both))
    with pytest.raises(tfjs.TfjsExportError, match="chain of layers"):
        tfjs.export_layers_model(model, tmp_path)
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(tfjs.TfjsExportError, match="keras.Input"):
        tfjs.export_layers_model(unbuilt, tmp_path)


# --- TensorFlow.js in Node.js ------------------------------------------------


@pytest.fixture(scope="module")
def node_ready():
    if not (shutil.which("node") and shutil.which("npm")):
        message = "Node.js and npm are needed (Debian: apt-get install -y npm)"
        if os.environ.get("COURSE_REQUIRE_BROWSER"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    tfjs.npm_install()


@pytest.mark.parametrize("make", [char_lstm, word_gru], ids=["char_lstm", "word_gru"])
def test_node_predicts_what_keras_predicts(node_ready, tmp_path, make):
    model = make()
    tfjs.export_layers_model(model, tmp_path)
    rng = np.random.default_rng(0)
    steps = model.inputs[0].shape[1] or 9
    vocab = model.outputs[0].shape[-1]
    inputs = rng.integers(1, vocab, size=(4, steps))
    rows = tfjs.compare_in_node(model, tmp_path, inputs)
    assert [r["layer"] for r in rows] == [layer.name for layer in tfjs._chain(model)]
    assert rows[0]["max abs difference"] == 0  # a lookup, in both
    assert rows[-1]["max abs difference"] <= 1e-5, rows  # the probabilities
    assert all(r["max abs difference"] <= 1e-5 for r in rows), rows


def exported_word_gru(folder):
    """A small word GRU exported to ``folder`` with its vocabulary; its tokens."""
    tfjs.export_layers_model(word_gru(), folder)
    tokens = ["", "[UNK]", *(f"w{i}" for i in range(28))]
    vocabulary = {"kind": "words", "tokens": tokens, "unknown": 1, "never": [0, 1]}
    (folder / "vocabulary.json").write_text(json.dumps(vocabulary))
    return tokens


def test_node_generates_text_with_a_vocabulary(node_ready, tmp_path):
    tokens = exported_word_gru(tmp_path)
    stats = tmp_path / "stats.json"
    printed = tfjs.node(
        "generate.mjs", tmp_path, "--prompt", "w3 w4", "--length", 6, "--stats", stats
    )
    assert printed.startswith("w3 w4 ")
    result = json.loads(stats.read_text())
    words = result["text"].split()
    assert result["tokens"] == len(words) == 6
    assert set(words) <= set(tokens[2:])  # never padding, never [UNK]
    assert "6 words in" in printed


def test_node_times_a_warm_up_and_repeated_runs(node_ready, tmp_path):
    exported_word_gru(tmp_path)
    stats = tmp_path / "stats.json"
    printed = tfjs.node(
        "generate.mjs", tmp_path, "--prompt", "w3", "--length", 4,
        "--repeats", 2, "--warmup", "--stats", stats,
    )  # fmt: skip
    result = json.loads(stats.read_text())
    assert len(result["seconds"]) == 2 and result["warmup"] > 0
    assert printed.count("4 words in") == 3 and "warm-up: 4 words in" in printed
    # without --warmup, no warm-up run
    tfjs.node(
        "generate.mjs", tmp_path, "--prompt", "w3", "--length", 4, "--stats", stats
    )
    result = json.loads(stats.read_text())
    assert result["warmup"] is None and len(result["seconds"]) == 1


def test_the_gru_written_by_hand_computes_what_tensorflow_js_computes(
    node_ready, tmp_path
):
    """js/gru_timing.mjs's GRU (its recurrent kernel split once) is the control of
    notebook 17: it must give the GRU layer's outputs."""
    tfjs.export_layers_model(word_gru(), tmp_path)
    printed = tfjs.node("gru_timing.mjs", tmp_path, "--steps", 5, "--repeats", 2)
    assert "by hand, kernel split once" in printed
    difference = float(printed.rsplit("outputs within", 1)[1].split()[0])
    assert difference <= 1e-6, printed


def test_a_recurrent_activation_left_out_falls_back_on_tensorflow_js_default(
    node_ready, tmp_path
):
    """js/defaults.mjs (notebook 17): without recurrent_activation in model.json,
    TensorFlow.js builds its LSTM with hardSigmoid, and the same weights predict
    something else."""
    tfjs.export_layers_model(char_lstm(), tmp_path)
    printed = tfjs.node("defaults.mjs", tmp_path)
    assert "left out: the LSTM uses hardSigmoid" in printed
    difference = float(printed.rsplit("largest difference", 1)[1].split()[0])
    assert difference > 1e-4, printed


def test_the_javascript_temperature_matches_python(node_ready):
    probs = [0.6, 0.2, 0.1, 0.05, 0.04, 0.01, 0.0]
    script = (
        "import { reweight } from './textgen.js';"
        f"console.log(JSON.stringify([0.2, 0.5, 1, 1.2].map(t => reweight({probs}, t))));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        cwd=tfjs.JS_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    js = json.loads(done.stdout)
    for t, weights in zip([0.2, 0.5, 1, 1.2], js, strict=True):
        assert np.allclose(weights, reweight_distribution(probs, t), atol=1e-12)


def test_node_is_required_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(tfjs.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Node.js is needed"):
        tfjs.node("generate.mjs")


def test_browser_generate_refuses_a_repeat_count_below_one():
    with pytest.raises(ValueError, match="repeats must be"):
        tfjs.browser_generate({}, "char_lstm", "a", 0.5, 3, repeats=0)

"""A Keras 3 model in TensorFlow.js's layers format, and TensorFlow.js in Node.js.

Introduced in notebook 17 (the course's models in JavaScript).

TensorFlow.js (``@tensorflow/tfjs``) loads a *layers model* with
``tf.loadLayersModel``: a ``model.json`` that holds the model's topology in the
Keras 2 JSON format (``class_name`` and a ``config`` of snake_case keys, which
TensorFlow.js reads into its camelCase options) and a weights manifest (each
weight's name, shape and dtype), beside one binary file with the weights as
little-endian float32, in the manifest's order. `export_layers_model` writes
that format from a Keras 3 model, layer by layer, from the layers' configs and
weights read with Keras' own API, so it works under every Keras backend.

The official converter, tried in its version 4.22.0 (the ``tensorflowjs``
package), loads Keras models with ``tf_keras``, the Keras 2 package; its path for
Keras 3 ``.keras`` files copies Keras 3's configuration as it is (``batch_shape``,
dtype policies) and names the weights after the file's internal paths
(``layers/gru/cell/vars/0``), and TensorFlow.js 4.22 refuses the result ("An
InputLayer should be passed either a `batchInputShape` or an `inputShape`").

Notebook 17 writes the format itself, in a few lines (OneHot, Embedding, LSTM,
GRU, Dense), and checks that they write the same files as `export_layers_model`,
which adds the checks: a chain of layers, float32, activations that mean the same
in both libraries, and a refusal that says what to change for anything else.

What the exporter translates (`SUPPORTED`) is a chain of layers, one input and
one output: ``Embedding``, ``SimpleRNN``, ``LSTM``, ``GRU`` with
``reset_after=False``, ``Dense``, ``Dropout``, and the course's ``OneHot`` layer
(notebook 15), which TensorFlow.js lacks and which becomes an ``Embedding`` whose
weights are the identity matrix: the same one-hot vectors. Anything else is
refused with a `TfjsExportError` that says what to change.

`node` runs a script of the repository's ``js/`` folder with Node.js, after
installing its npm packages from ``js/package-lock.json`` (`npm_install`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np

from .data import project_root

JS_DIR = project_root() / "js"
WEIGHTS_FILE = "group1-shard1of1.bin"
#: Activations that mean the same in Keras 3 and TensorFlow.js. (``hard_sigmoid``
#: does not: Keras 3's is relu6(x + 3) / 6, TensorFlow.js's 0.2 x + 0.5, clipped.)
ACTIVATIONS = {"linear", "relu", "sigmoid", "tanh", "softmax"}
SUPPORTED = ("Embedding", "OneHot", "SimpleRNN", "LSTM", "GRU", "Dense", "Dropout")
_RECURRENT_KEYS = ("return_sequences", "go_backwards", "dropout", "recurrent_dropout")


class TfjsExportError(ValueError):
    """A model that TensorFlow.js's layers format cannot hold as it is."""


def _activation(layer, config: dict, key: str) -> str:
    name = config[key]
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise TfjsExportError(
            f"layer {layer.name!r}: {key}={name!r} has no identical activation in "
            f"TensorFlow.js; use one of {sorted(ACTIVATIONS)} and train again."
        )
    return name


def _numpy(variable) -> np.ndarray:
    import keras

    return np.asarray(keras.ops.convert_to_numpy(variable), dtype="float32")


def _recurrent(layer, config: dict, class_name: str) -> tuple[dict, list]:
    if config.get("stateful") or config.get("return_state"):
        raise TfjsExportError(
            f"layer {layer.name!r}: stateful=True or return_state=True is not "
            f"exported; build the layer without them."
        )
    out = {
        "units": config["units"],
        "activation": _activation(layer, config, "activation"),
    }
    if class_name != "SimpleRNN":
        # TensorFlow.js's default is hard_sigmoid, Keras 3's sigmoid: always written.
        out["recurrent_activation"] = _activation(layer, config, "recurrent_activation")
    out["use_bias"] = config["use_bias"]
    out.update({key: config[key] for key in _RECURRENT_KEYS})
    cell = layer.cell
    weights = [("kernel", cell.kernel), ("recurrent_kernel", cell.recurrent_kernel)]
    if config["use_bias"]:
        weights.append(("bias", cell.bias))
    return out, weights


def _translate(layer) -> tuple[str, dict, list, str]:
    """(TensorFlow.js class, config, [(weight name, array)], note) of one layer."""
    kind = type(layer).__name__
    config = layer.get_config()
    policy = getattr(layer, "dtype_policy", None)
    if policy is not None and getattr(policy, "name", "float32") != "float32":
        raise TfjsExportError(
            f"layer {layer.name!r} computes in {policy.name}; export a float32 model."
        )
    note = ""
    if kind == "OneHot" and hasattr(layer, "depth"):
        depth = int(layer.depth)
        out = {"input_dim": depth, "output_dim": depth, "mask_zero": False}
        weights = [("embeddings", np.eye(depth, dtype="float32"))]
        return "Embedding", out, weights, "no one-hot layer: identity Embedding"
    if kind == "Embedding":
        out = {key: config[key] for key in ("input_dim", "output_dim", "mask_zero")}
        weights = [("embeddings", layer.embeddings)]
    elif kind == "GRU":
        if config["reset_after"]:
            raise TfjsExportError(
                f"layer {layer.name!r}: GRU(reset_after=True), Keras' default, has "
                f"no TensorFlow.js counterpart (its GRU applies the reset gate before "
                f"the recurrent kernel, and has one bias instead of two). Build the "
                f"model with keras.layers.GRU(..., reset_after=False) and train it "
                f"again: weights cannot be converted from one variant to the other."
            )
        out, weights = _recurrent(layer, config, kind)
        out["reset_after"] = False
    elif kind in ("LSTM", "SimpleRNN"):
        out, weights = _recurrent(layer, config, kind)
        if kind == "LSTM":
            out["unit_forget_bias"] = config["unit_forget_bias"]
    elif kind == "Dense":
        out = {
            "units": config["units"],
            "activation": _activation(layer, config, "activation"),
            "use_bias": config["use_bias"],
        }
        weights = [("kernel", layer.kernel)]
        if config["use_bias"]:
            weights.append(("bias", layer.bias))
    elif kind == "Dropout":
        out, weights = {"rate": config["rate"]}, []
        note = "does nothing at prediction"
    else:
        raise TfjsExportError(
            f"layer {layer.name!r} ({kind}): TensorFlow.js has no such layer, or "
            f"this exporter does not translate it. It translates {', '.join(SUPPORTED)}"
            f". Replace the layer by one of these, or compute it outside the model."
        )
    return kind, out, [(name, _numpy(w)) for name, w in weights], note


def _chain(model) -> list:
    """The model's layers in order, checked to form a chain (one input, one output,
    each layer reading the one before)."""
    import keras

    layers = [
        lay for lay in model.layers if not isinstance(lay, keras.layers.InputLayer)
    ]
    if not getattr(model, "inputs", None):
        raise TfjsExportError(
            "the model has no input shape yet: start it with keras.Input(shape=..., "
            "dtype=...) (or call it on data once) before exporting."
        )
    if len(model.inputs) != 1 or len(model.outputs) != 1 or not layers:
        raise TfjsExportError(
            "only a chain of layers with one input and one output is exported; "
            f"this model has {len(model.inputs)} inputs and {len(model.outputs)} outputs."
        )
    if not isinstance(model, keras.Sequential):
        previous = model.inputs[0]
        for layer in layers:
            if len(layer._inbound_nodes) != 1 or layer.input is not previous:
                raise TfjsExportError(
                    f"layer {layer.name!r} does not read the output of the layer "
                    f"before it: only a chain of layers (a Sequential model) is exported."
                )
            previous = layer.output
        if previous is not model.outputs[0]:
            raise TfjsExportError("the model's output is not its last layer's output.")
    return layers


def export_layers_model(model, folder) -> list[dict]:
    """Write ``model`` to ``folder`` in TensorFlow.js's layers format.

    ``folder`` receives ``model.json`` and the weights, ``group1-shard1of1.bin``
    (an existing folder is emptied of those two files only). Returns one row a
    layer: its name, its Keras class, its TensorFlow.js class, its parameters as
    counted by Keras and as written, and a note. Raises `TfjsExportError` for a
    model the format cannot hold, naming the layer and what to change.
    """
    import keras

    layers = _chain(model)
    input_spec = model.inputs[0]
    topology, manifest, blobs, rows = [], [], [], []
    for index, layer in enumerate(layers):
        class_name, config, weights, note = _translate(layer)
        config = {"name": layer.name, "trainable": True, **config, "dtype": "float32"}
        if index == 0:
            config["batch_input_shape"] = list(input_spec.shape)
        topology.append({"class_name": class_name, "config": config})
        for name, array in weights:
            manifest.append(
                {
                    "name": f"{layer.name}/{name}",
                    "shape": list(array.shape),
                    "dtype": "float32",
                }
            )
            blobs.append(np.ascontiguousarray(array, dtype="<f4").tobytes())
        rows.append(
            {
                "layer": layer.name,
                "Keras": type(layer).__name__,
                "TensorFlow.js": class_name,
                "Keras parameters": layer.count_params(),
                "written": sum(int(np.prod(a.shape)) for _, a in weights),
                "note": note,
            }
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / WEIGHTS_FILE).write_bytes(b"".join(blobs))
    model_json = {
        "format": "layers-model",
        "generatedBy": f"keras {keras.__version__}",
        "convertedBy": "helpers.tfjs.export_layers_model",
        "modelTopology": {
            "class_name": "Sequential",
            "config": {"name": model.name, "layers": topology},
        },
        "weightsManifest": [{"paths": [WEIGHTS_FILE], "weights": manifest}],
    }
    (folder / "model.json").write_text(json.dumps(model_json, indent=1) + "\n", "utf-8")
    return rows


def npm_install(folder: Path = JS_DIR, what: str = "TensorFlow.js") -> Path:
    """``folder``/node_modules from its package-lock.json (``npm ci``) if missing
    or older than the lock file; returns the node_modules folder. ``what`` names
    the packages in the message shown when npm is missing."""
    modules = Path(folder) / "node_modules"
    lock = Path(folder) / "package-lock.json"
    stamp = modules / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            f"npm is needed once to install {what} ({folder}/package.json): "
            "install Node.js and npm (Debian: apt-get install -y npm)."
        )
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return modules


def node(script: str, *args, timeout: float = 600) -> str:
    """Run ``js/<script>`` with Node.js and ``args``; return what it printed.

    TensorFlow.js's packages are installed first if needed (`npm_install`). A
    script that fails raises `RuntimeError` with the end of its error output.
    """
    executable = shutil.which("node")
    if executable is None:
        raise RuntimeError(
            "Node.js is needed to run the exported models: install it "
            "(Debian: apt-get install -y nodejs npm), then run this cell again."
        )
    npm_install()
    done = subprocess.run(
        [executable, str(JS_DIR / script), *map(str, args)],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(
            f"node {script} failed (exit {done.returncode}):\n{done.stderr[-2000:]}"
        )
    return done.stdout


def layer_outputs(model, inputs) -> list[np.ndarray]:
    """Keras' output of each layer of a chain `model` for ``inputs`` (in order)."""
    import keras

    layers = _chain(model)
    every_layer = keras.Model(model.inputs, [layer.output for layer in layers])
    outputs = every_layer.predict(np.asarray(inputs, dtype="int32"), verbose=0)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [np.asarray(keras.ops.convert_to_numpy(o)) for o in outputs]


def compare_in_node(model, folder, inputs) -> list[dict]:
    """Run the model exported in ``folder`` with TensorFlow.js in Node.js on
    ``inputs`` (token ids, one row a sequence, all of one length) and compare
    each layer's output with Keras': one row a layer, with the largest absolute
    difference. The last row is the model's output (the probabilities)."""
    import tempfile

    inputs = np.asarray(inputs, dtype="int32")
    if inputs.ndim != 2:
        raise ValueError(
            f"inputs must be a 2-D array of token ids (sequences x steps), "
            f"not of shape {inputs.shape}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        request, answer = Path(tmp) / "inputs.json", Path(tmp) / "outputs.json"
        request.write_text(json.dumps({"inputs": inputs.tolist()}))
        node("predict.mjs", Path(folder).resolve(), request, answer)
        js = json.loads(answer.read_text())
    rows = []
    keras_outputs = layer_outputs(model, inputs)
    for layer, ours, theirs in zip(
        _chain(model), keras_outputs, js["layers"], strict=True
    ):
        theirs_array = np.asarray(theirs["output"], dtype="float64")
        if theirs_array.shape != ours.shape:
            raise AssertionError(
                f"layer {layer.name!r}: TensorFlow.js gives shape {theirs_array.shape}, "
                f"Keras {ours.shape}"
            )
        rows.append(
            {
                "layer": layer.name,
                "TensorFlow.js": theirs["class"],
                "output shape": ours.shape,
                "max abs difference": float(np.abs(theirs_array - ours).max()),
            }
        )
    return rows


#: The files of the live page (js/): the form, its script, the generation loop.
PAGE_FILES = ("page.js", "textgen.js")
TFJS_BUNDLE = "@tensorflow/tfjs/dist/tf.fesm.min.js"


def stage_live_page(target, models: dict) -> Path:
    """The live page's files in ``target``/live/: TensorFlow.js's ES-module
    bundle (from js/node_modules), js/page.js and js/textgen.js, and each of
    ``models`` (name -> an exported folder with its vocabulary.json) in
    live/models/<name>/. Returns the HTML fragment of the page (js/page.html),
    which loads them by the relative path live/."""
    live = Path(target) / "live"
    live.mkdir(parents=True, exist_ok=True)
    shutil.copy2(npm_install() / TFJS_BUNDLE, live / "tf.fesm.min.js")
    for name in PAGE_FILES:
        shutil.copy2(JS_DIR / name, live / name)
    for name, folder in models.items():
        missing = [
            f
            for f in ("model.json", WEIGHTS_FILE, "vocabulary.json")
            if not (Path(folder) / f).is_file()
        ]
        if missing:
            raise FileNotFoundError(
                f"{folder} lacks {missing}: export the model {name!r} first "
                f"(notebook 17 does)."
            )
        shutil.copytree(folder, live / "models" / name, dirs_exist_ok=True)
    return (JS_DIR / "page.html").read_text("utf-8")


def _chromium() -> str:
    import os

    for candidate in (
        os.environ.get("COURSE_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError(
        "Chromium is needed to run the models in a browser: install it (Debian: "
        "apt-get install -y chromium) or set COURSE_CHROMIUM to its executable."
    )


def browser_generate(
    models: dict,
    model: str,
    prompt: str,
    temperature: float,
    length: int,
    repeats: int = 1,
) -> dict:
    """Open the live page in headless Chromium, served on 127.0.0.1 with
    ``models`` (see `stage_live_page`), and let ``model`` write ``length`` tokens
    after ``prompt``, ``repeats`` times (pressing **Write** again). Returns the
    first text, the tokens, the seconds the page measured for each run and its
    status line after each, and the requests that tried to leave 127.0.0.1
    (refused)."""
    if not (isinstance(repeats, int) and repeats >= 1):
        raise ValueError(
            f"repeats must be a whole number of 1 or more, not {repeats!r}"
        )
    import concurrent.futures
    import functools
    import http.server
    import tempfile
    import threading
    from urllib.parse import urlparse

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        fragment = stage_live_page(tmp, models)
        (Path(tmp) / "index.html").write_text(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Live generation</title></head><body>\n{fragment}</body></html>\n",
            "utf-8",
        )

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=tmp)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        outside, errors = [], []

        def route(r):
            url = urlparse(r.request.url)
            if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        def drive():
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=_chromium(),
                    args=["--headless", "--no-sandbox", "--disable-gpu"],
                )
                page = browser.new_page()
                page.route("**/*", route)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/index.html")
                page.wait_for_selector("#live-status[data-ready]", timeout=60_000)
                page.select_option("#live-model", model)
                page.fill("#live-prompt", prompt)
                page.fill("#live-temperature", str(temperature))
                page.fill("#live-length", str(length))
                status = page.locator("#live-status")
                result = {"texts": [], "statuses": [], "seconds": [], "done": "true"}
                for _ in range(repeats):
                    page.click("#live-write")  # clears data-done until it is written
                    page.wait_for_selector("#live-status[data-done]", timeout=600_000)
                    if status.get_attribute("data-done") != "true":
                        result["done"] = status.get_attribute("data-done")
                    result["statuses"].append(status.inner_text())
                    result["texts"].append(page.locator("#live-output").inner_text())
                    seconds = status.get_attribute("data-seconds") or "nan"
                    result["seconds"].append(float(seconds))
                result.update(
                    text=result["texts"][0],
                    status=result["statuses"][-1],
                    tokens=int(status.get_attribute("data-tokens") or 0),
                )
                result["outside requests"], result["errors"] = outside, errors
                browser.close()
                return result

        try:
            # Playwright's synchronous API refuses to run inside an asyncio loop
            # (a Jupyter kernel runs one): a thread of its own has none.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                result = pool.submit(drive).result()
        finally:
            httpd.shutdown()
            httpd.server_close()
    if result["done"] != "true" or errors:
        raise RuntimeError(f"the page failed: {result['status']} {errors}")
    return result

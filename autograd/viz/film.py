"""Watch a network learn: `TrainingFilm` records a training loop every k steps and plays it back as one page.

    film = viz.TrainingFilm(model, every=10, inputs=X, targets=y)
    for step in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        film.record(loss)          # after backward (fresh gradients), before opt.step()
        opt.step()
    film.html("film.html")         # one self-contained page; in Jupyter, `film` alone shows it inline

Each frame holds the network drawn as units and weights (edge width and colour by
the weight's magnitude and sign, or by its gradient's: a switch on the page), every
parameter's values and gradient in its box, the loss curve up to that step and, for
2-D inputs, the decision regions over the data.  The numbers are stored once (three
significant digits) and drawn by the page's script, so a 60-frame film of report
001's 2-12-5 network is a page of about 0.3 MB.

Layers are read from the model's parameters in order: each `<module>.weight` of
shape (out, in) with its `<module>.bias`.  Layers wider than `units` show the
`units` units with the largest weights (chosen at the first frame, then kept).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from autograd.engine import Tensor, no_grad, unwrap
from autograd.viz.model import clean
from autograd.viz.stepper import Page, page, template

__all__ = ["TrainingFilm"]

MAX_LOSS_POINTS = 600  # the loss curve's resolution: longer runs are averaged over blocks of steps


def _round(a: Any) -> list:
    """An array as nested lists of 3-significant-digit floats (non-finite values become None)."""
    a = np.asarray(a, dtype=float)
    out = np.vectorize(lambda v: float(f"{v:.3g}") if np.isfinite(v) else np.nan, otypes=[float])(a) if a.size else a
    return np.where(np.isfinite(out), out, None).tolist() if a.size else []


class TrainingFilm:
    """Records `model` while it trains (call `record(loss)` every step) and plays it back (`html(path)`).

    every: keep a frame every this many `record` calls (the loss is kept at every call).
    inputs, targets: the training data; with 2-D inputs the film shows the decision regions
        (the class with the largest output, or output > 0 for one output) over these points.
    max_frames: when more frames would be kept, every other one is dropped and `every` doubles,
        so a long run still makes a small page.
    units: at most this many units of a layer are drawn.
    """

    def __init__(
        self,
        model: Any,
        every: int = 10,
        inputs: Any = None,
        targets: Any = None,
        max_frames: int = 60,
        title: str | None = None,
        units: int = 16,
        grid: int = 40,
    ) -> None:
        if not hasattr(model, "named_parameters"):
            raise TypeError(f"TrainingFilm records an nn.Module, got {type(model).__name__}")
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a whole number of steps ≥ 1, got {every!r}")
        if not isinstance(max_frames, int) or max_frames < 2:
            raise ValueError(f"max_frames must be at least 2, got {max_frames!r}")
        self.model, self.every, self.max_frames = model, every, max_frames
        self.title = clean(title or f"{type(model).__name__} learning", 120)
        self.units, self.grid = units, grid
        self.inputs = None if inputs is None else np.asarray(unwrap(inputs), dtype=float)
        self.targets = None if targets is None else np.asarray(unwrap(targets)).reshape(-1)
        if self.inputs is not None and self.targets is not None and len(self.targets) != len(self.inputs):
            raise ValueError(f"inputs have {len(self.inputs)} rows but targets {len(self.targets)}")
        self.layers = self._layers()
        self.shown: list[np.ndarray] | None = None  # the unit indices drawn per column, fixed at frame 0
        self.losses: list[float | None] = []
        self.frames: list[dict] = []
        self.calls = 0

    # -- reading the model
    def _layers(self) -> list[dict]:
        params = dict(self.model.named_parameters())
        layers = []
        for name, p in params.items():
            if name.endswith("weight") and p.ndim == 2:
                prefix = name[: -len("weight")]
                bias = params.get(prefix + "bias")
                layers.append(
                    {
                        "name": prefix.rstrip(".") or "layer",
                        "weight": name,
                        "w": p,
                        "bias": prefix + "bias" if bias is not None else None,
                        "b": bias,
                    }
                )
        self.chain = all(a["w"].shape[0] == b["w"].shape[1] for a, b in zip(layers, layers[1:])) and bool(layers)
        self.params = [(name, p) for name, p in params.items()]
        return layers

    def _choose_units(self) -> list[np.ndarray]:
        """Per column (inputs, then each layer's outputs): the units drawn, the strongest ones first."""
        cols = [np.abs(self.layers[0]["w"].numpy()).sum(axis=0)]
        cols += [np.abs(layer["w"].numpy()).sum(axis=1) for layer in self.layers]
        return [np.sort(np.argsort(-c, kind="stable")[: self.units]) for c in cols]

    def _activations(self) -> list[list] | None:
        """Mean output of each layer's units over (up to 256 of) the inputs, after its activation."""
        if self.inputs is None or not hasattr(self.model, "__iter__"):
            return None
        h: Any = Tensor(self.inputs[:256])
        outs = []
        with no_grad():
            try:
                modules = list(self.model)
                for k, m in enumerate(modules):
                    h = m(h)
                    nxt = modules[k + 1] if k + 1 < len(modules) else None
                    if nxt is None or hasattr(nxt, "weight"):
                        outs.append(h.numpy().mean(axis=0))
            except Exception:  # a model that is not a plain chain: no activations, the rest still shows
                return None
        if len(outs) != len(self.layers):
            return None
        return [_round(np.asarray(o).reshape(-1)[s]) for o, s in zip(outs, self.shown[1:])]

    def _regions(self) -> dict | None:
        x = self.inputs
        if x is None or x.ndim != 2 or x.shape[1] != 2:
            return None
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = 0.08 * (hi - lo) + 1e-9
        lo, hi = lo - pad, hi + pad
        n = self.grid
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(hi[1], lo[1], n))
        with no_grad():
            out = np.asarray(self.model(Tensor(np.stack([gx.ravel(), gy.ravel()], axis=1))).numpy(), dtype=float)
        if out.ndim == 1 or out.shape[1] == 1:
            z = out.reshape(-1)
            cls, conf = (z > 0).astype(int), 1 / (1 + np.exp(-np.abs(np.clip(z, -50, 50))))
        else:
            e = np.exp(out - out.max(axis=1, keepdims=True))
            prob = e / e.sum(axis=1, keepdims=True)
            cls, conf = prob.argmax(axis=1), prob.max(axis=1)
        level = np.clip(((conf - conf.min()) / (1 - conf.min() + 1e-12) * 9).round(), 0, 9).astype(int)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        return {"classes": "".join(digits[c % 36] for c in cls), "confidence": "".join(str(v) for v in level)}

    # -- recording
    def record(self, loss: Any) -> bool:
        """Note this step's loss; every `every` calls keep a frame (weights, gradients, regions).

        Call it after `loss.backward()` and before `opt.step()`, so the gradients in the
        frame are the ones this step uses.  Returns True when a frame was kept.
        """
        value = float(unwrap(loss).item() if isinstance(loss, Tensor) else np.asarray(loss).item())
        step = self.calls
        self.calls += 1
        self.losses.append(value if np.isfinite(value) else None)
        if step % self.every:
            return False
        if self.shown is None:
            self.shown = self._choose_units()
        frame = {"step": step, "loss": self.losses[-1], "params": [], "layers": []}
        for name, p in self.params:
            g = p.grad.numpy() if p.grad is not None else None
            v = p.numpy()
            frame["params"].append(
                {
                    "name": clean(name),
                    "shape": list(v.shape),
                    "mean": _round(v.mean()) if v.size else None,
                    "min": _round(v.min()) if v.size else None,
                    "max": _round(v.max()) if v.size else None,
                    "grad_norm": _round(np.sqrt((g * g).sum())) if g is not None else None,
                }
            )
        if self.chain:
            for k, layer in enumerate(self.layers):
                rows, cols = self.shown[k + 1], self.shown[k]
                w = layer["w"].numpy()[np.ix_(rows, cols)]
                gw = layer["w"].grad.numpy()[np.ix_(rows, cols)] if layer["w"].grad is not None else None
                b = layer["b"].numpy()[rows] if layer["b"] is not None else None
                frame["layers"].append(
                    {
                        "w": _round(w),
                        "gw": _round(gw) if gw is not None else None,
                        "b": _round(b) if b is not None else None,
                    }
                )
            frame["activations"] = self._activations()
        frame["regions"] = self._regions()
        self.frames.append(frame)
        if len(self.frames) > self.max_frames:  # keep the page small: halve the frame rate
            self.frames = self.frames[::2]
            self.every *= 2
        return True

    def __len__(self) -> int:
        return len(self.frames)

    # -- playing back
    def data(self) -> dict:
        """Everything the page draws, as JSON-ready data."""
        points = None
        if self.inputs is not None and self.inputs.ndim == 2 and self.inputs.shape[1] == 2:
            take = np.linspace(0, len(self.inputs) - 1, min(400, len(self.inputs))).astype(int)
            labels = self.targets[take].astype(int).tolist() if self.targets is not None else None
            points = {"x": _round(self.inputs[take]), "labels": labels}
        columns = []
        if self.chain and self.shown is not None:
            sizes = [self.layers[0]["w"].shape[1]] + [layer["w"].shape[0] for layer in self.layers]
            names = ["inputs"] + [layer["name"] for layer in self.layers]
            columns = [
                {"name": clean(n), "size": int(s), "units": idx.tolist()} for n, s, idx in zip(names, sizes, self.shown)
            ]
        every = max(1, -(-len(self.losses) // MAX_LOSS_POINTS))  # the curve: at most MAX_LOSS_POINTS means
        curve = []
        for k in range(0, len(self.losses), every):
            part = [v for v in self.losses[k : k + every] if v is not None]
            curve.append(float(f"{sum(part) / len(part):.4g}") if part else None)
        return {
            "title": self.title,
            "losses": curve,
            "loss_every": every,
            "steps": len(self.losses),
            "frames": self.frames,
            "columns": columns,
            "points": points,
            "grid": self.grid,
        }

    def page(self) -> Page:
        """The film as a `Page` (displays inline in Jupyter; `.save(path)` writes it)."""
        if not self.frames:
            raise RuntimeError(
                "this film has no frames yet: call film.record(loss) in the training loop "
                "(after loss.backward(), before opt.step())"
            )
        blob = json.dumps(self.data(), separators=(",", ":"), allow_nan=False)
        blob = blob.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # safe in <script>
        body = f'<script type="application/json" id="film-data">{blob}</script>' + template("film.html")
        text = page(
            self.title, body, template("film.js"), len(self.frames) - 1, "film", unit="frame", css=template("film.css")
        )
        return Page(text, 720, self.title)

    def html(self, path: str | os.PathLike | None = None) -> Path | str:
        """Write the film's page to `path` and return the path; without a path, return the page's text."""
        p = self.page()
        return p.save(path) if path is not None else p.text

    def _repr_html_(self) -> str:
        return self.page().iframe() if self.frames else "<p>(an empty film: record some steps first)</p>"

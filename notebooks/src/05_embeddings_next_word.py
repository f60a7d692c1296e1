# %% [markdown]
# # 05 · Word embeddings for next-word prediction, and why a run can stall at 17 %
#
# **What you will learn** (report 003)
#
# 1. The model: three context words → one *shared* embedding matrix $W_1$ → hidden sigmoid layer → softmax over the
#    vocabulary.
# 2. Why one $W_1$ serves all three word positions, and why its gradient is the **sum** of three terms, one per
#    position — checked against the engine.
# 3. A short training run, and a t-SNE picture of the learned 16-dimensional embeddings.
# 4. Why the report's run stalled at 17.4 % accuracy: it learned nothing but "the next word is a full stop".
#    We reproduce the stall and its cause (tiny initialisation; saturated sigmoids for large ones) by experiment.

# %%
try:  # the first thing: is the package there?  (one line says what to install if not)
    from autograd import viz
except ImportError as e:
    raise ImportError(
        "this notebook needs teachgrad: pip install 'teachgrad[notebooks]' "
        "(from a clone of the repository: pip install -e '.[notebooks]')"
    ) from e
viz.notebook(needs=["matplotlib", "sklearn"])  # one BLAS thread, pictures inline; says what is missing

import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.manifold import TSNE

import autograd
import nn
from autograd import Tensor

# %% [markdown]
# ## 1. Data: 4-grams
#
# Each example is three consecutive words and the word that follows ("going to be → ."), as word indices into a
# vocabulary.  We use a slice of the course's 250-word data set when it is on this machine, and otherwise sentences
# generated from a tiny grammar (the notebook runs either way).


# %%
def generated_ngrams(n_sentences: int = 3000, seed: int = 0) -> dict:
    """4-grams from sentences like 'the big dog sees a cat .' (a fallback when the real data is absent)."""
    rng = np.random.default_rng(seed)
    words = {
        "det": ["the", "a", "my"],
        "adj": ["big", "small", "old", "young"],
        "noun": ["dog", "cat", "man", "woman", "child", "bird"],
        "verb": ["sees", "likes", "chases", "helps"],
    }

    def phrase():
        return (
            [rng.choice(words["det"])]
            + ([rng.choice(words["adj"])] if rng.random() < 0.5 else [])
            + [rng.choice(words["noun"])]
        )

    sentences = [phrase() + [rng.choice(words["verb"])] + phrase() + ["."] for _ in range(n_sentences)]
    vocab = sorted({w for s in sentences for w in s})
    index = {w: i for i, w in enumerate(vocab)}
    grams = np.array([[index[w] for w in s[i : i + 4]] for s in sentences for i in range(len(s) - 3)])
    cut = int(0.85 * len(grams))
    return {
        "vocab": vocab,
        "train_inputs": grams[:cut, :3],
        "train_targets": grams[:cut, 3],
        "valid_inputs": grams[cut:, :3],
        "valid_targets": grams[cut:, 3],
    }


def find_ngram4() -> Path | None:
    """The course's 4-gram folder by the usual rule: $AUTOGRAD_DATA/ngram4, else shared/data/ngram4 beside this
    folder or one of its parents (the repository's ../shared/data); None when it is not on this machine."""
    here = Path.cwd().resolve()
    roots = [Path(os.environ["AUTOGRAD_DATA"])] if os.environ.get("AUTOGRAD_DATA") else []
    roots += [p / "shared" / "data" for p in (here, *here.parents)]
    return next((r / "ngram4" for r in roots if (r / "ngram4" / "vocab.npy").is_file()), None)


def load_ngram4(folder: Path) -> dict:
    """vocab.npy and <split>_inputs.npy / <split>_targets.npy (word indices) of the 4-gram data set."""
    data = {"vocab": [str(w) for w in np.load(folder / "vocab.npy")]}
    for split in ("train", "valid"):
        for part in ("inputs", "targets"):
            data[f"{split}_{part}"] = np.load(folder / f"{split}_{part}.npy").astype(np.int64)
    return data


folder = find_ngram4()
if folder is not None:
    data = load_ngram4(folder)
    source = f"the course's 4-gram data ({folder})"
else:
    data = generated_ngrams()
    source = "generated sentences (the 4-gram data set was not found)"
vocab = data["vocab"]
V = len(vocab)
X_train, y_train = data["train_inputs"][:30000], data["train_targets"][:30000]
X_val, y_val = data["valid_inputs"][:5000], data["valid_targets"][:5000]
print(f"data: {source}\nvocabulary {V} words, {len(X_train)} training and {len(X_val)} validation 4-grams")
for row, target in zip(X_train[:5], y_train[:5]):
    print("   ", " ".join(vocab[i] for i in row), "→", vocab[target])

# %% [markdown]
# ## 2. The model, in the report's notation
#
# Word $p \in \{1,2,3\}$ of the context is a one-hot column $X_p \in \mathbb{R}^{V}$ ($V = 250$ words).  With
# $W_1 \in \mathbb{R}^{16\times V}$, $W_2 \in \mathbb{R}^{128\times 48}$, $W_3 \in \mathbb{R}^{V\times 128}$:
#
# $$e = \begin{bmatrix} W_1X_1 \\ W_1X_2 \\ W_1X_3 \end{bmatrix} \in\mathbb{R}^{48},\qquad
#   h = \sigma(W_2 e + b_1)\in\mathbb{R}^{128},\qquad
#   \hat y = \mathrm{softmax}(W_3 h + b_2)\in\mathbb{R}^{V},\qquad L = -\sum_j y_j\log\hat y_j.$$
#
# $W_1X_p$ just picks column "word $p$" out of $W_1$: that column is the word's **embedding**.  The engine's
# `nn.Embedding` does exactly this lookup without building the one-hot vector (its table is $W_1^\top$, one row per
# word).  Report 003 writes $W_2, W_3$ as (out, in), as `nn.Linear` (and PyTorch) store them: `hidden.weight` *is*
# $W_2$.
#
# **Why one $W_1$ for all three positions?**  A word means the same thing wherever it stands, so it should have one
# vector; sharing also divides the embedding parameters by three ($16V$ instead of $48V$) and lets every occurrence
# of a word, in any position, train the same vector.
#
# **Its gradient.**  $W_1$ is used three times, so by the chain rule its gradient is the sum of the three uses.
# Split $\partial L/\partial e$ into its three 16-entry blocks $\delta^{(1)}, \delta^{(2)}, \delta^{(3)}$:
#
# $$\frac{\partial L}{\partial W_1} = \sum_{p=1}^{3} \frac{\partial L}{\partial (W_1X_p)}\,X_p^\top
#   = \delta^{(1)}X_1^\top + \delta^{(2)}X_2^\top + \delta^{(3)}X_3^\top,$$
#
# i.e. block $p$ is added into the column of word $p$ — and if the same word appears twice in the context, both
# blocks land in the same column.


# %%
class NextWord(nn.Module):
    """Report 003's network: a shared embedding for the three context words, a sigmoid layer, logits over V words."""

    def __init__(self, V: int, dim: int = 16, hidden: int = 128, init: str = "xavier", std: float | None = None):
        super().__init__()
        self.embed = nn.Embedding(V, dim, init="normal", std=std if std is not None else 0.1)  # W1ᵀ
        self.hidden = nn.Linear(3 * dim, hidden, init=init, std=std)  # W2, b1
        self.out = nn.Linear(hidden, V, init=init, std=std)  # W3, b2

    def hidden_activations(self, words: np.ndarray) -> Tensor:
        e = self.embed(words).reshape((len(words), -1))  # (N, 3, 16) → (N, 48): the concatenation
        return self.hidden(e).sigmoid()

    def forward(self, words: np.ndarray) -> Tensor:
        return self.out(self.hidden_activations(words))


loss_fn = nn.CrossEntropyLoss()
nn.manual_seed(0)
model = NextWord(V)
print(model, "\nparameters:", model.num_parameters())

# %% [markdown]
# ### Check yourself: the shared gradient is the sum over positions
#
# We compute $\partial L/\partial W_1$ three ways on a small batch:
# 1. the engine, with the shared table;
# 2. the engine, with **three separate copies** of the table (one per position) — the shared gradient must be the sum
#    of the three copies' gradients;
# 3. by hand: $\partial L/\partial e$ from the engine, then $\sum_p \delta^{(p)}X_p^\top$ with `np.add.at`, which adds
#    block $p$ into the row of word $p$ (the engine's table is $W_1^\top$).

# %%
words, targets = X_train[:64], y_train[:64]
words[0] = [words[0, 0], words[0, 0], words[0, 2]]  # one context with a repeated word

model.zero_grad()
loss_fn(model(words), targets).backward()
g_shared = model.embed.weight.grad.numpy()

copies = [Tensor(model.embed.weight.numpy().copy(), requires_grad=True) for _ in range(3)]
e = autograd.concatenate([copies[p][words[:, p]] for p in range(3)], axis=1)
loss_fn(model.out(model.hidden(e).sigmoid()), targets).backward()
g_copies = [c.grad.numpy() for c in copies]

e_leaf = Tensor(model.embed(words).reshape((len(words), -1)).numpy(), requires_grad=True)
loss_fn(model.out(model.hidden(e_leaf).sigmoid()), targets).backward()
delta = e_leaf.grad.numpy().reshape(len(words), 3, -1)  # δ^(p) for every example
g_hand = np.zeros_like(g_shared)
for p in range(3):
    np.add.at(g_hand, words[:, p], delta[:, p])  # δ^(p) X_pᵀ, summed over the batch

np.testing.assert_allclose(g_shared, sum(g_copies), atol=1e-10)
np.testing.assert_allclose(g_shared, g_hand, atol=1e-10)
print("shared gradient = Σ_p (gradient of position p's copy) = Σ_p δ^(p) X_pᵀ")
print("rows touched per position:", [int((np.abs(g).sum(axis=1) > 0).sum()) for g in g_copies])

# %% [markdown]
# ## 3. Training, and what goes wrong
#
# The report initialised every weight from $\mathcal{N}(0, 0.01^2)$, trained with plain SGD at a small learning
# rate, and its accuracy froze at **0.17401 (training) and 0.17380 (validation)** from epoch 2 on.  Look at the data:

# %%
counts = np.bincount(y_train, minlength=V)
top = int(counts.argmax())
print(
    f"most frequent next word: {vocab[top]!r}, {counts[top] / len(y_train):.2%} of training targets, "
    f"{np.mean(y_val == top):.2%} of validation targets"
)

# %% [markdown]
# With the course data those are exactly the report's numbers: the frozen model predicted a full stop for every
# input.  Why?  At initialisation every weight is about 0.01, so $W_2 e \approx 0$ and every hidden unit sits at
# $\sigma(0) = 0.5$ (the report saw "0.4999999 and 0.5").  The hidden layer then carries no information about the
# input.  The gradients show where learning can happen:
#
# $$\frac{\partial L}{\partial b_2} = \hat y - y = O(1), \qquad
#   \frac{\partial L}{\partial W_2} \propto W_3^\top(\hat y - y)\odot\sigma'\ \sim 0.01\cdot 0.25, \qquad
#   \frac{\partial L}{\partial W_1} \propto W_2^\top(\cdots)\ \sim 0.01\cdot 0.01\cdot 0.25.$$
#
# Only the output bias $b_2$ learns at a useful speed, and the best a bias alone can do is predict the word
# frequencies: always the most common word.  Three runs with the same budget of updates:
#
# * **tiny init** (std 0.01, SGD, α = 0.1): the report's setup;
# * **huge init** (std 3): the other failure the report met — pre-activations are large, most sigmoids saturate at 0
#   or 1 where $\sigma' = \sigma(1-\sigma) \approx 0$, and the huge output weights make the logits enormous, so the
#   few updates that get through are large and erratic (the report saw its weights explode);
# * **scaled init** (Xavier: std $\approx\sqrt{2/(n_\text{in}+n_\text{out})}$) with Adam: the hidden units start
#   in the sigmoid's sensitive range.


# %%
def train(model: NextWord, optimizer, steps: int, batch_size: int = 100, seed: int = 0) -> dict:
    """Mini-batch training for `steps` updates; validation accuracy every 50 updates."""
    rng = np.random.default_rng(seed)
    history = {"step": [], "val_acc": [], "loss": []}
    start = time.perf_counter()
    for step in range(steps + 1):
        if step % 50 == 0:
            with autograd.no_grad():
                pred = model(X_val).numpy().argmax(axis=1)
            history["step"].append(step)
            history["val_acc"].append(float(np.mean(pred == y_val)))
        if step == steps:
            break
        idx = rng.integers(0, len(X_train), batch_size)
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.item())
    history["seconds"] = time.perf_counter() - start
    return history


def gradient_sizes(model: NextWord) -> dict:
    """Mean |gradient| of each parameter on one batch: where can learning happen?"""
    model.zero_grad()
    loss_fn(model(X_train[:500]), y_train[:500]).backward()
    return {name: float(np.abs(p.grad.numpy()).mean()) for name, p in model.named_parameters()}


setups = {
    "tiny init (std 0.01), SGD": dict(init="normal", std=0.01, opt="sgd"),
    "huge init (std 3), SGD": dict(init="normal", std=3.0, opt="sgd"),
    "Xavier init, Adam": dict(init="xavier", std=None, opt="adam"),
}
steps = 600
runs = {}
for name, s in setups.items():
    nn.manual_seed(0)
    m = NextWord(V, init=s["init"], std=s["std"])
    sizes = gradient_sizes(m)
    opt = nn.optim.SGD(m.parameters(), lr=0.1) if s["opt"] == "sgd" else nn.optim.Adam(m.parameters(), lr=0.01)
    runs[name] = (m, train(m, opt, steps), sizes)
    h = runs[name][1]
    print(f"{name:28} validation accuracy {h['val_acc'][-1]:.2%}   ({h['seconds']:.1f} s)")

print("\nmean |∂L/∂θ| at initialisation:")
print(f"{'':28}" + "".join(f"{k:>15}" for k in sizes))
for name, (_, _, sizes) in runs.items():
    print(f"{name:28}" + "".join(f"{v:15.2e}" for v in sizes.values()))

# %% [markdown]
# The pictures: validation accuracy as training goes on (the dashed line is "always predict the most common word"),
# and where the hidden units sit after training.  Tiny init: all at 0.5.  Huge init: piled up at 0 and 1, where the
# sigmoid is flat.  Xavier: spread out — the hidden layer says something about the input.

# %%
fig, ax = plt.subplots(1, 2, figsize=(12, 3.8))
for name, (m, h, _) in runs.items():
    ax[0].plot(h["step"], h["val_acc"], marker=".", label=name)
    with autograd.no_grad():
        acts = m.hidden_activations(X_val[:500]).numpy().ravel()
    ax[1].hist(acts, bins=50, range=(0, 1), alpha=0.55, label=name, density=True)
ax[0].axhline(np.mean(y_val == top), color="gray", ls="--", lw=1, label=f"always '{vocab[top]}'")
ax[0].set(xlabel="update", ylabel="validation accuracy", title="accuracy during training")
ax[0].legend(fontsize=8)
ax[1].set(
    xlabel="hidden activation h = σ(W₂e + b₁)", ylabel="density", yscale="log", title="hidden units after training"
)
ax[1].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Check yourself
# The tiny-init model predicts (almost) only the most frequent word, so its accuracy is that word's frequency;
# its hidden units are all within 0.01 of 0.5; and the scaled-init model beats that baseline.

# %%
tiny, good = runs["tiny init (std 0.01), SGD"][0], runs["Xavier init, Adam"][0]
with autograd.no_grad():
    tiny_pred = tiny(X_val).numpy().argmax(axis=1)
    tiny_h = tiny.hidden_activations(X_val).numpy()
print(
    f"tiny init predicts {vocab[top]!r} for {np.mean(tiny_pred == top):.1%} of inputs; "
    f"hidden units in [{tiny_h.min():.4f}, {tiny_h.max():.4f}]"
)
assert np.mean(tiny_pred == top) > 0.95
assert np.abs(tiny_h - 0.5).max() < 0.01
assert runs["Xavier init, Adam"][1]["val_acc"][-1] > np.mean(y_val == top) + 0.03

# %% [markdown]
# ## 4. The learned embeddings, by t-SNE
#
# t-SNE places the 16-dimensional word vectors in the plane so that words with nearby vectors land near each other.
# After this short run (600 updates) the structure is rough; words used in similar contexts (pronouns, modal verbs,
# numbers, punctuation) tend to gather.  Train longer to sharpen it (`steps`, above).

# %%
emb = good.embed.weight.numpy()
xy = TSNE(n_components=2, perplexity=min(30, V // 4), init="pca", random_state=0).fit_transform(emb)
plt.figure(figsize=(11, 9))
plt.scatter(*xy.T, s=4, color="lightgray")
for (px, py), word in zip(xy, vocab):
    plt.text(px, py, word, fontsize=7, ha="center", va="center")
plt.axis("off")
plt.title(f"t-SNE of the learned {emb.shape[1]}-d embeddings ({V} words)")
plt.show()

# %% [markdown]
# ## Try it
# * Give the tiny-init run 20 000 updates: does it ever leave the plateau?
# * Swap `.sigmoid()` for `.relu()` in `hidden_activations` (the report tried this too).
# * Print the nearest neighbours of a word by cosine similarity of `good.embed.weight.numpy()` rows.

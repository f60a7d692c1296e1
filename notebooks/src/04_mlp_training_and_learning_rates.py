# %% [markdown]
# # 04 · Training a sigmoid MLP: SGD vs mini-batch, learning rates, over-fitting
#
# **What you will learn** (report 002)
#
# 1. The backward equations of a sigmoid network (1.6–1.12), checked against the engine.
# 2. Stochastic gradient descent (one sample per step) against mini-batch gradient descent: a mini-batch gradient is
#    the *average* of the per-sample gradients — smoother, cheaper per sample, but fewer steps per epoch.
# 3. How the learning rate changes training, shown as mean ± standard deviation over several seeds.
# 4. What over-fitting looks like: training loss keeps falling while validation loss turns up.
#
# The report trains on MNIST (60 000 images, minutes per run; `python -m tasks` has that script).  Here we use
# scikit-learn's bundled 8×8 digits (1 797 images, no download), so every experiment takes seconds.

# %%
try:  # the first thing: is the package there?  (one line says what to install if not)
    from autograd import viz
except ImportError as e:
    raise ImportError(
        "this notebook needs teachgrad: pip install 'teachgrad[notebooks]' "
        "(from a clone of the repository: pip install -e '.[notebooks]')"
    ) from e
viz.notebook(needs=["matplotlib", "sklearn"])  # one BLAS thread, pictures inline; says what is missing

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import autograd
import nn
from autograd import Tensor

# %% [markdown]
# ## 1. Data

# %%
digits = load_digits()
X_all = digits.data / 16.0  # 64 pixels in [0, 1]
y_all = digits.target
order = np.random.default_rng(0).permutation(len(X_all))
X_train, y_train = X_all[order[:1000]], y_all[order[:1000]]
X_val, y_val = X_all[order[1000:]], y_all[order[1000:]]
print("train", X_train.shape, " validation", X_val.shape)

fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))
for ax, img, label in zip(axes, X_train, y_train):
    ax.imshow(img.reshape(8, 8), cmap="gray_r")
    ax.set_title(label)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 2. The network and its gradients
#
# Report 002's two-layer network, for one input $x$ with one-hot target $t$:
#
# $$z = W^\top x + b,\qquad h = \sigma(z) = \frac{1}{1 + e^{-z}},\qquad o = V^\top h + c,\qquad
#   y = \mathrm{softmax}(o),\qquad l = -\sum_i t_i\log y_i.$$
#
# The backward pass, from the loss to the first layer (the report writes $\partial l/\partial o_i$ etc.):
#
# $$\frac{\partial l}{\partial o} = y - t \tag{1.6}$$
#
# $$\frac{\partial l}{\partial c} = \frac{\partial l}{\partial o} \tag{1.7} \qquad
#   \frac{\partial l}{\partial V} = h\,\Big(\frac{\partial l}{\partial o}\Big)^{\!\top} \qquad (1.8) \qquad
#   \frac{\partial l}{\partial h} = V\,\frac{\partial l}{\partial o} \qquad (1.9)$$
#
# $$\frac{\partial l}{\partial z} = \frac{\partial l}{\partial h}\odot h\odot(1 - h) \tag{1.10}$$
#
# $$\frac{\partial l}{\partial W} = x\,\Big(\frac{\partial l}{\partial z}\Big)^{\!\top} \tag{1.11} \qquad
#   \frac{\partial l}{\partial b} = \frac{\partial l}{\partial z} \qquad (1.12)$$
#
# Eq. 1.10 uses $\sigma'(z) = \sigma(z)(1-\sigma(z)) = h(1-h)$: the backward pass reuses the forward's $h$.
# ($W$ is inputs × hidden here, as in report 002's equations ($z = W^\top x + b$), so the outer products come out as
# $x\,\delta^\top$; `nn.Linear` stores its weight as PyTorch does, (out, in) = hidden × inputs, so we compare with
# `weight.T`.)


# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def hand_gradients(x, t, W, b, V, c) -> dict:
    """Equations 1.6–1.12 for one sample x (64,) with one-hot target t (10,)."""
    h = sigmoid(W.T @ x + b)
    o = V.T @ h + c
    y = np.exp(o - o.max())
    y /= y.sum()
    d_o = y - t  # 1.6
    d_h = V @ d_o  # 1.9
    d_z = d_h * h * (1 - h)  # 1.10
    return {"W": np.outer(x, d_z), "b": d_z, "V": np.outer(h, d_o), "c": d_o}  # 1.11, 1.12, 1.8, 1.7


def make_model(hidden: int = 32, seed: int = 0) -> nn.MLP:
    nn.manual_seed(seed)
    return nn.MLP([64, hidden, 10], activation="sigmoid")


def engine_gradients(model, X, y) -> dict:
    """Gradients of the mean cross-entropy over the rows of X, from backward()."""
    model.zero_grad()
    nn.CrossEntropyLoss()(model(X), y).backward()
    (W, b), (V, c) = [(layer.weight.grad.numpy().T, layer.bias.grad.numpy()) for layer in (model[0], model[2])]
    return {"W": W, "b": b, "V": V, "c": c}


model = make_model()
params = {
    "W": model[0].weight.numpy().T,
    "b": model[0].bias.numpy(),
    "V": model[2].weight.numpy().T,
    "c": model[2].bias.numpy(),
}
g_hand = hand_gradients(X_train[0], np.eye(10)[y_train[0]], **params)
g_engine = engine_gradients(model, X_train[:1], y_train[:1])
for k in g_hand:
    print(f"∂l/∂{k} {str(g_hand[k].shape):9} largest |hand − engine| = {np.abs(g_hand[k] - g_engine[k]).max():.1e}")

# %% [markdown]
# ### Check yourself
# 1. The hand equations equal the engine for one sample.
# 2. The gradient of the *mean* loss over a mini-batch equals the mean of the per-sample gradients — that is all
#    "mini-batch gradient descent" means.

# %%
for k in g_hand:
    np.testing.assert_allclose(g_engine[k], g_hand[k], atol=1e-10, err_msg=k)

batch = slice(0, 32)
g_batch = engine_gradients(model, X_train[batch], y_train[batch])
per_sample = [hand_gradients(x, np.eye(10)[t], **params) for x, t in zip(X_train[batch], y_train[batch])]
for k in g_batch:
    np.testing.assert_allclose(g_batch[k], np.mean([g[k] for g in per_sample], axis=0), atol=1e-10, err_msg=k)
print("eqs. 1.6–1.12 = engine; batch gradient = mean of 32 per-sample gradients")

# %% [markdown]
# ## 3. A training loop
#
# One epoch visits every training sample once, in a new random order, `batch_size` samples per step:
# $\theta \leftarrow \theta - \alpha\,\frac{1}{B}\sum_{s\in\text{batch}} \nabla_\theta\, l^{(s)}$.
# `batch_size=1` is stochastic gradient descent (SGD) as in the report.

# %%
loss_fn = nn.CrossEntropyLoss()


def evaluate(model, X, y) -> tuple[float, float]:
    with autograd.no_grad():
        logits = model(X)
        return loss_fn(logits, y).item(), float((logits.numpy().argmax(axis=1) == y).mean())


def train(
    lr: float, batch_size: int, epochs: int, seed: int = 0, hidden: int = 32, X=X_train, y=y_train, X_v=X_val, y_v=y_val
) -> dict:
    """Train from scratch; return per-epoch train/validation loss and accuracy (epoch 0 = before training)."""
    model = make_model(hidden, seed)
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    history = {"train": [evaluate(model, X, y)[0]], "val": [evaluate(model, X_v, y_v)[0]], "seconds": 0.0}
    start = time.perf_counter()
    for epoch in range(epochs):
        for xb, yb in nn.DataLoader(X, y, batch_size=batch_size, shuffle=True, seed=seed * 1000 + epoch):
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        history["train"].append(evaluate(model, X, y)[0])
        history["val"].append(evaluate(model, X_v, y_v)[0])
    history["seconds"] = time.perf_counter() - start
    history["val_acc"] = evaluate(model, X_v, y_v)[1]
    return history


# %% [markdown]
# ## 4. SGD against mini-batch
#
# Same number of epochs (5, as in the report).  SGD takes 1 000 small noisy steps per epoch; a mini-batch of 32 takes
# 32 smoother steps.  With the *same* learning rate, mini-batch learns much less per epoch; it needs a larger
# rate (the report's closing remark).  It is also cheaper per sample: one matrix product for 32 samples.

# %%
setups = {"SGD (B=1), α=0.1": (0.1, 1), "mini-batch B=32, α=0.1": (0.1, 32), "mini-batch B=32, α=2": (2.0, 32)}
histories = {name: train(lr, b, epochs=5) for name, (lr, b) in setups.items()}

fig, ax = plt.subplots(1, 2, figsize=(11, 3.6))
for name, h in histories.items():
    ax[0].plot(h["val"], marker="o", label=f"{name}: {h['seconds']:.2f} s, acc {h['val_acc']:.1%}")
ax[0].set(xlabel="epoch", ylabel="validation loss", title="per epoch")
ax[0].legend(fontsize=8)
for name, h in histories.items():
    steps_per_epoch = int(np.ceil(len(X_train) / setups[name][1]))
    ax[1].plot(np.arange(len(h["val"])) * steps_per_epoch, h["val"], marker="o", label=name)
ax[1].set(xscale="symlog", xlabel="parameter updates", ylabel="validation loss", title="per update")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Learning rates, mean ± std over seeds
#
# Each run starts from a different random initialisation and sample order, so one curve is one draw of a random
# variable.  Three seeds per rate; the band is mean ± one standard deviation.  Too small a rate crawls; a good rate
# falls fast; too large a rate is fast at first but noisy and can stall or diverge.  **Edit `rates` and `seeds`.**

# %%
rates, seeds, epochs = [0.01, 0.1, 1.0, 8.0], [0, 1, 2], 8
start = time.perf_counter()
sweep = {lr: [train(lr, batch_size=32, epochs=epochs, seed=s) for s in seeds] for lr in rates}
print(f"{len(rates) * len(seeds)} runs in {time.perf_counter() - start:.1f} s")

fig, ax = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for lr, runs in sweep.items():
    for a, key in zip(ax, ["train", "val"]):
        curves = np.array([r[key] for r in runs])
        mean, std = curves.mean(axis=0), curves.std(axis=0)
        (line,) = a.plot(mean, label=f"α = {lr}")
        a.fill_between(np.arange(len(mean)), mean - std, mean + std, color=line.get_color(), alpha=0.25)
for a, key in zip(ax, ["training", "validation"]):
    a.set(xlabel="epoch", title=f"{key} loss, mean ± std over {len(seeds)} seeds")
ax[0].set_ylabel("cross-entropy")
ax[1].legend()
plt.tight_layout()
plt.show()
for lr, runs in sweep.items():
    acc = np.array([r["val_acc"] for r in runs])
    print(f"α = {lr:<5} validation accuracy {acc.mean():.1%} ± {acc.std():.1%}")

# %% [markdown]
# ## 6. Over-fitting
#
# Give a large network only 60 training images and train for a long time.  The training loss goes towards zero:
# the network memorises.  The validation loss first falls, then **rises** (slowly here): on images it has not seen,
#   the network
# is more and more confidently wrong, and cross-entropy punishes a confident mistake without bound
# ($-\log y_c \to \infty$ as $y_c \to 0$).  The best moment to stop is the minimum of the validation curve
# ("early stopping").

# %%
few = slice(0, 60)
h = train(
    lr=2.0, batch_size=60, epochs=400, hidden=64, X=X_train[few], y=y_train[few], X_v=X_val[:300], y_v=y_val[:300]
)
best = int(np.argmin(h["val"]))

plt.figure(figsize=(6.5, 3.8))
plt.plot(h["train"], label="training loss (60 images)")
plt.plot(h["val"], label="validation loss (300 images)")
plt.axvline(best, color="gray", ls="--", lw=1)
plt.annotate(
    f"lowest validation loss\n(epoch {best})",
    (best, h["val"][best]),
    xytext=(best + 30, 0.9),
    arrowprops={"arrowstyle": "->"},
)
plt.ylim(0, 1.2)
plt.xlabel("epoch")
plt.ylabel("cross-entropy")
plt.legend()
plt.title("over-fitting: the gap between the curves grows")
plt.show()
print(
    f"final: train loss {h['train'][-1]:.3f}, validation loss {h['val'][-1]:.3f} "
    f"(lowest {h['val'][best]:.3f} at epoch {best}), validation accuracy {h['val_acc']:.1%}"
)

# %% [markdown]
# ## Try it
# * Swap `activation="sigmoid"` for `"relu"` in `make_model` (and eq. 1.10's $h(1-h)$ for $\mathbb{1}[z>0]$).
# * Use 600 training images in section 6: the gap shrinks — more data is the best cure for over-fitting.
# * Add L2 weight decay (`nn.optim.SGD(..., weight_decay=1e-3)`, notebook 06) to section 6.

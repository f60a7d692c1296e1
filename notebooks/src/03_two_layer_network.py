# %% [markdown]
# # 03 · A two-layer network by hand and by the engine: 2 → 12 (softplus) → 5 (softmax)
#
# **What you will learn** (report 001)
#
# 1. How to count a network's learnable parameters (this one has 101).
# 2. The backward equations with the two error vectors $\delta_1 \in \mathbb{R}^5$ and $\delta_2 \in \mathbb{R}^{12}$,
#    written in numpy by hand — and that the engine's gradients agree with them to $10^{-10}$.
# 3. Gradient checking with finite differences: how you know a hand-written backward pass is right.
# 4. A short training run: the loss curve for several learning rates, and the decision boundaries it learns.

# %%
try:  # the first thing: is the package there?  (one line says what to install if not)
    from autograd import viz
except ImportError as e:
    raise ImportError(
        "this notebook needs teachgrad: pip install 'teachgrad[notebooks]' "
        "(from a clone of the repository: pip install -e '.[notebooks]')"
    ) from e
viz.notebook(needs=["matplotlib"])  # one BLAS thread, pictures inline; says what is missing

import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import autograd
import nn
from autograd import Tensor

# %% [markdown]
# ## 1. The data: five classes in the plane
#
# Report 001 classifies 2-D points into 5 classes; three of them are nested rings that overlap a little
# ("complex circular boundaries"), two are separate blobs.  We generate data of that kind.  **Change `S` or the
# noise and rerun.**


# %%
def make_data(S: int, noise: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """S points: classes 0–2 are a disc and two rings around the origin (radii 0–1, 1–2, 2–3, with radial noise),
    classes 3 and 4 are Gaussian blobs to the right."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 5, size=S)
    r = rng.uniform(y, y + 1.0) + noise * rng.standard_normal(S)  # class k lives at radius k..k+1
    phi = rng.uniform(0, 2 * np.pi, S)
    X = np.stack([r * np.cos(phi), r * np.sin(phi)], axis=1)
    blobs = {3: (4.5, 2.0), 4: (4.5, -2.0)}
    for k, centre in blobs.items():
        X[y == k] = np.array(centre) + 0.6 * rng.standard_normal(((y == k).sum(), 2))
    return X, y


S = 600
X, y = make_data(S)
X_test, y_test = make_data(400, seed=1)
Y = np.eye(5)[y]  # one-hot targets y^OH

plt.figure(figsize=(5, 4))
plt.scatter(*X.T, c=y, cmap="tab10", vmax=9, s=12)
plt.gca().set_aspect("equal")
plt.title("training data: 5 classes")
plt.show()

# %% [markdown]
# ## 2. The network and its 101 parameters
#
# With $\mathbf{z}^{(0)} = \mathbf{a}^{(0)} = \mathbf{x}\in\mathbb{R}^2$:
#
# $$\mathbf{z}^{(1)} = \mathbf{W}^{(0)}\mathbf{x} + \mathbf{b}^{(0)},\quad \mathbf{a}^{(1)} =
#   \mathrm{softplus}(\mathbf{z}^{(1)})
#   = \ln(1 + e^{\mathbf{z}^{(1)}}) \in\mathbb{R}^{12}$$
#
# $$\mathbf{z}^{(2)} = \mathbf{W}^{(1)}\mathbf{a}^{(1)} + \mathbf{b}^{(1)},\quad \mathbf{a}^{(2)} =
#   \mathrm{softmax}(\mathbf{z}^{(2)})
#   \in\mathbb{R}^{5}$$
#
# $$l = -\sum_i y^{OH}_i \ln a^{(2)}_i, \qquad \mathcal{L} = \frac1S\sum_s l^{(s)}.$$
#
# Parameters: $\mathbf{W}^{(0)}\in\mathbb{R}^{12\times 2}$ (24), $\mathbf{b}^{(0)}\in\mathbb{R}^{12}$ (12),
# $\mathbf{W}^{(1)}\in\mathbb{R}^{5\times 12}$ (60), $\mathbf{b}^{(1)}\in\mathbb{R}^{5}$ (5): **101** in total.
#
# Report 001 writes $\mathbf{W}$ as (out, in), and so does `nn.Linear` (as PyTorch's): `model[0].weight` *is*
# $\mathbf{W}^{(0)}$ (12 × 2); with samples as rows the layer computes $\mathbf{x}\mathbf{W}^\top + \mathbf{b}$.
# `nn.MLP` returns the logits $\mathbf{z}^{(2)}$; the softmax lives inside `nn.CrossEntropyLoss` (notebook 01 shows
# why).

# %%
nn.manual_seed(0)
model = nn.MLP([2, 12, 5], activation="softplus")
print(model)
for name, p in model.named_parameters():
    print(f"{name:10} shape {str(p.shape):8} {p.numel():3} parameters")
print("total:", model.num_parameters())
assert model.num_parameters() == 2 * 12 + 12 + 12 * 5 + 5 == 101

# %% [markdown]
# The engine's graph for a batch of four points: each `nn.Linear` and the softplus is a labelled box; big tensors
# show their mean and range.

# %%
loss_fn = nn.CrossEntropyLoss()
viz.draw_graph(loss_fn(model(Tensor(X[:4], name="x")), y[:4]))

# %% [markdown]
# ## 3. The backward equations
#
# Reverse mode starts at the loss and carries one *error vector* per layer.  For one sample:
#
# $$\delta_1 = \frac{\partial l}{\partial \mathbf{z}^{(2)}}
#   = \Big(\frac{\partial \mathbf{a}^{(2)}}{\partial \mathbf{z}^{(2)}}\Big)^{\!\top}\frac{\partial l}{\partial
#   \mathbf{a}^{(2)}}
#   = \big(\mathrm{diag}(\mathbf{a}^{(2)}) - \mathbf{a}^{(2)}\mathbf{a}^{(2)\top}\big)\big(-\mathbf{y}^{OH} /
#   \mathbf{a}^{(2)}\big)
#   = \mathbf{a}^{(2)} - \mathbf{y}^{OH} \in \mathbb{R}^5$$
#
# (the softmax Jacobian times $-y/a$ collapses to "prediction minus target"; notebook 01 derives it).  Then
#
# $$\delta_2 = \frac{\partial l}{\partial \mathbf{z}^{(1)}} = \big(\mathbf{W}^{(1)\top}\delta_1\big) \odot
#   \mathrm{softplus}'(\mathbf{z}^{(1)}) \in \mathbb{R}^{12}, \qquad
#   \mathrm{softplus}'(z) = \frac{e^{z}}{1+e^{z}} = \sigma(z),$$
#
# and each parameter's gradient is its layer's error vector times that layer's input:
#
# $$\frac{\partial l}{\partial \mathbf{b}^{(1)}} = \delta_1,\quad
#   \frac{\partial l}{\partial \mathbf{W}^{(1)}} = \delta_1\,\mathbf{a}^{(1)\top} \in\mathbb{R}^{5\times12},\quad
#   \frac{\partial l}{\partial \mathbf{b}^{(0)}} = \delta_2,\quad
#   \frac{\partial l}{\partial \mathbf{W}^{(0)}} = \delta_2\,\mathbf{x}^\top \in\mathbb{R}^{12\times2}.$$
#
# For the whole set, $\partial\mathcal{L}/\partial p = \frac1S\sum_s \partial l^{(s)}/\partial p$.  With the samples as
# rows of matrices ($X$ is $S\times2$, $\Delta_1$ is $S\times5$, …) the sums over $s$ become matrix products:
# $\sum_s \delta_1^{(s)}\mathbf{a}^{(1)(s)\top} = \Delta_1^\top A_1$.


# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def hand_forward_backward(X, Y, W0, b0, W1, b1):
    """Loss and gradients of report 001's network in numpy, report notation (W0 is 12×2, W1 is 5×12)."""
    S = len(X)
    Z1 = X @ W0.T + b0  # z1 = W0 x + b0, one row per sample
    A1 = np.logaddexp(0, Z1)  # softplus, computed stably
    Z2 = A1 @ W1.T + b1
    A2 = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    A2 /= A2.sum(axis=1, keepdims=True)  # softmax
    loss = -np.mean(np.sum(Y * np.log(A2), axis=1))

    D1 = (A2 - Y) / S  # δ1 for every sample, with the 1/S of the mean
    D2 = (D1 @ W1) * sigmoid(Z1)  # δ2 = (W1ᵀ δ1) ⊙ softplus'(z1)
    grads = {"W1": D1.T @ A1, "b1": D1.sum(axis=0), "W0": D2.T @ X, "b0": D2.sum(axis=0)}
    return loss, grads


# the engine's parameters, in the report's shapes
W0, b0, W1, b1 = model[0].weight.numpy(), model[0].bias.numpy(), model[2].weight.numpy(), model[2].bias.numpy()
loss_hand, g_hand = hand_forward_backward(X, Y, W0, b0, W1, b1)

model.zero_grad()
loss_engine = loss_fn(model(X), y)
loss_engine.backward()
g_engine = {
    "W0": model[0].weight.grad.numpy(),
    "b0": model[0].bias.grad.numpy(),
    "W1": model[2].weight.grad.numpy(),
    "b1": model[2].bias.grad.numpy(),
}

print(f"loss: hand {loss_hand:.12f}   engine {loss_engine.item():.12f}")
for k in g_hand:
    print(f"∂L/∂{k}: shape {g_hand[k].shape}, largest |hand − engine| = {np.abs(g_hand[k] - g_engine[k]).max():.2e}")

# %% [markdown]
# ### Check yourself
# Every one of the 101 partial derivatives agrees.

# %%
np.testing.assert_allclose(loss_engine.item(), loss_hand, atol=1e-10)
for k in g_hand:
    np.testing.assert_allclose(g_engine[k], g_hand[k], atol=1e-10, err_msg=k)
print("δ1/δ2 equations = engine, to 1e-10")

# %% [markdown]
# ## 4. Gradient checking
#
# How do we know the *hand* equations are right?  Compare them with central differences, which need nothing but
# the forward pass:
#
# $$\frac{\partial \mathcal{L}}{\partial p} \approx \frac{\mathcal{L}(p + \varepsilon) - \mathcal{L}(p -
#   \varepsilon)}{2\varepsilon},
#   \qquad \text{error } O(\varepsilon^2).$$
#
# We nudge each of the 101 parameters in turn (202 forward passes) and compare.


# %%
def numeric_gradients(X, Y, params: dict, eps: float = 1e-6) -> dict:
    """Central differences of the hand forward pass, one parameter entry at a time."""
    out = {}
    for k, p in params.items():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = hand_forward_backward(X, Y, **params)[0]
            p[idx] = old - eps
            down = hand_forward_backward(X, Y, **params)[0]
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        out[k] = g
    return out


params = {"W0": W0.copy(), "b0": b0.copy(), "W1": W1.copy(), "b1": b1.copy()}
g_num = numeric_gradients(X, Y, params)
for k in g_hand:
    rel = np.abs(g_num[k] - g_hand[k]).max() / np.abs(g_hand[k]).max()
    print(f"∂L/∂{k}: largest relative difference to finite differences {rel:.1e}")

# %% [markdown]
# The engine has this built in: `autograd.gradcheck(fn, inputs)` compares its backward pass with central
# differences and names the worst entry if they disagree.  Here on the report-notation network written with engine
# operations (a small batch keeps it quick):


# %%
def net_loss(W0, b0, W1, b1, X=X[:30], y=y[:30]):
    a1 = (Tensor(X) @ W0.T + b0).softplus()
    return autograd.cross_entropy(a1 @ W1.T + b1, y)


inputs = [Tensor(v.copy(), requires_grad=True) for v in (W0, b0, W1, b1)]
print("gradcheck:", autograd.gradcheck(net_loss, inputs))

# %% [markdown]
# ### Check yourself
# Finite differences agree with the hand equations (to about $10^{-9}$ relative: the $\varepsilon^2$ error and
# rounding), and `gradcheck` passes.

# %%
for k in g_hand:
    np.testing.assert_allclose(g_num[k], g_hand[k], rtol=1e-5, atol=1e-8, err_msg=k)
assert autograd.gradcheck(net_loss, inputs)

# %% [markdown]
# ## 5. Training
#
# Steepest descent on the full training set, $p \leftarrow p - \alpha\,\partial\mathcal{L}/\partial p$, with the
# learning rates the report compared.  Small $\alpha$ converges slowly; large $\alpha$ is faster but can oscillate.
# **Change `rates` or `epochs`.**


# %%
def train(lr: float, epochs: int, seed: int = 0) -> tuple[nn.MLP, list[float]]:
    nn.manual_seed(seed)
    net = nn.MLP([2, 12, 5], activation="softplus")
    opt = nn.optim.SGD(net.parameters(), lr=lr)
    curve = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        opt.step()
        curve.append(loss.item())
    return net, curve


def accuracy(net, X, y) -> float:
    with autograd.no_grad():
        return float((net(X).numpy().argmax(axis=1) == y).mean())


rates, epochs = [0.01, 0.1, 0.25, 1.0], 1000
start = time.perf_counter()
runs = {lr: train(lr, epochs) for lr in rates}
print(f"{len(rates)} runs of {epochs} epochs in {time.perf_counter() - start:.1f} s")
for lr, (net, curve) in runs.items():
    print(
        f"α = {lr:<5} final loss {curve[-1]:.3f}   train acc {accuracy(net, X, y):.1%}   "
        f"test acc {accuracy(net, X_test, y_test):.1%}"
    )

plt.figure(figsize=(6, 3.8))
for lr, (_, curve) in runs.items():
    plt.plot(curve, label=f"α = {lr}")
plt.xlabel("epoch (one full-batch step)")
plt.ylabel("training loss L")
plt.yscale("log")
plt.legend()
plt.title("loss curves")
plt.show()

# %% [markdown]
# ### Watch it learn
#
# The same network trained again with $\alpha = 0.25$, recorded every 20 steps by `viz.TrainingFilm`: the units
# and weights (blue positive, red negative, width by size; switch to the gradients $\partial\mathcal{L}/\partial w$),
# every parameter's values and gradient norm, the loss so far and the decision regions over the training points.
# Press play, or drag the slider: the regions start as straight cuts and bend into rings as the weights grow.

# %%
nn.manual_seed(0)
net = nn.MLP([2, 12, 5], activation="softplus")
opt = nn.optim.SGD(net.parameters(), lr=0.25)
film = viz.TrainingFilm(net, every=20, inputs=X, targets=y, title="report 001's 2-12-5 network learning, α = 0.25")
for _ in range(1000):
    opt.zero_grad()
    loss = loss_fn(net(X), y)
    loss.backward()
    film.record(loss)  # after backward (the gradients of this step), before the update
    opt.step()
display(film)  # in a notebook the film plays inline; film.html("film.html") writes it to a file

# %% [markdown]
# ## 6. Decision boundaries
#
# Colour every point of the plane by the class with the largest $a^{(2)}$.  Classes 3 and 4 get simple straight
# boundaries; the rings need curved ones, built from 12 softplus "ramps" — and where the training rings overlap,
# no boundary can be right everywhere.

# %%
best_lr = min(runs, key=lambda lr: runs[lr][1][-1])
net = runs[best_lr][0]
gx, gy = np.meshgrid(np.linspace(-4, 7, 300), np.linspace(-4.5, 4.5, 250))
with autograd.no_grad():
    regions = net(np.stack([gx.ravel(), gy.ravel()], axis=1)).numpy().argmax(axis=1).reshape(gx.shape)

fig, ax = plt.subplots(1, 2, figsize=(11, 4))
ax[0].contourf(gx, gy, regions, levels=np.arange(-0.5, 5), cmap="tab10", vmax=9, alpha=0.35)
ax[0].scatter(*X_test.T, c=y_test, cmap="tab10", vmax=9, s=10, edgecolor="k", linewidth=0.2)
ax[0].set_aspect("equal")
ax[0].set_title(f"decision regions (α = {best_lr}), test points")
with autograd.no_grad():
    pred = net(X_test).numpy().argmax(axis=1)
confusion = np.zeros((5, 5), dtype=int)
np.add.at(confusion, (y_test, pred), 1)
im = ax[1].imshow(confusion, cmap="Blues")
for (i, j), v in np.ndenumerate(confusion):
    ax[1].text(j, i, v, ha="center", va="center", color="white" if v > confusion.max() / 2 else "black")
ax[1].set(xlabel="predicted class", ylabel="true class", title="test confusion matrix")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 7. The engine writes the backward function
#
# Section 3 wrote the backward pass by hand, as `hand_forward_backward`.  `autograd.compile` writes it too, from the
# graph of one training step: it runs the step once with the engine, records every VJP of the backward walk, and
# turns them into one numpy function.  Read it next to the δ equations: `linear0`, `softplus1`, `linear2` are
# $Z_1$, $A_1$, $Z_2$ (one row per sample, as in `hand_forward_backward`); `W0, b0, W2, b2` are
# $\mathbf{W}^{(0)}, \mathbf{b}^{(0)}, \mathbf{W}^{(1)}, \mathbf{b}^{(1)}$ (`model[0]` and `model[2]`).


# %%
def compiled_step(net):
    """One training step of `net` (forward, loss, backward), compiled."""

    @autograd.compile
    def train_step(x, targets):
        loss = loss_fn(net(x), targets)
        loss.backward()
        return loss

    return train_step


nn.manual_seed(0)
model = nn.MLP([2, 12, 5], activation="softplus")
train_step = compiled_step(model)
train_step(X, y)
train_step.show()

# %% [markdown]
# Line by line against section 3:
#
# * `g_linear2 = yhat; g_linear2 -= Y; g_linear2 *= g_loss * (1/S)` is $\Delta_1 = (A_2 - Y)/S$: "prediction minus
#   target" (notebook 01, report 000 eq. 6), computed in the memory of `yhat`, which is not needed any more;
# * `g_b2 = ones_S @ g_linear2` is $\partial\mathcal L/\partial \mathbf b^{(1)} = \sum_s \delta_1^{(s)}$ (the sum
#   over the samples as a product with a vector of ones, which BLAS does fast), `g_W2 = g_linear2.T @ softplus1`
#   is $\Delta_1^\top A_1$;
# * `g_softplus1 = g_linear2 @ W2` is $\Delta_1 \mathbf{W}^{(1)}$, and the softplus block multiplies it by
#   $\sigma(Z_1)$, written from the $e^{-|z|}$ the forward pass kept: $\Delta_2$;
# * `g_b0` and `g_W0 = g_linear0.T @ x` are $\sum_s\delta_2^{(s)}$ and $\Delta_2^\top X$.
#
# ### Check yourself
# The generated step's gradients are the hand-written ones (and the engine's), and training with it gives the same
# numbers as training eagerly.

# %%
W0, b0, W1, b1 = model[0].weight.numpy(), model[0].bias.numpy(), model[2].weight.numpy(), model[2].bias.numpy()
_, g_hand = hand_forward_backward(X, Y, W0, b0, W1, b1)
model.zero_grad()
train_step(X, y)  # the second call also runs the eager step beside it and checks they agree
g_compiled = {
    "W0": model[0].weight.grad.numpy(),
    "b0": model[0].bias.grad.numpy(),
    "W1": model[2].weight.grad.numpy(),
    "b1": model[2].bias.grad.numpy(),
}
for k in g_hand:
    np.testing.assert_allclose(g_compiled[k], g_hand[k], atol=1e-10, err_msg=k)

nn.manual_seed(0)
eager_net = nn.MLP([2, 12, 5], activation="softplus")
nn.manual_seed(0)
compiled_net = nn.MLP([2, 12, 5], activation="softplus")
step_c = compiled_step(compiled_net)
opt_e, opt_c = nn.optim.SGD(eager_net.parameters(), lr=0.1), nn.optim.SGD(compiled_net.parameters(), lr=0.1)
for _ in range(100):
    opt_e.zero_grad()
    loss_fn(eager_net(X), y).backward()
    opt_e.step()
    opt_c.zero_grad()
    step_c(X, y)
    opt_c.step()
for p_e, p_c in zip(eager_net.parameters(), compiled_net.parameters()):
    np.testing.assert_allclose(p_c.numpy(), p_e.numpy(), rtol=1e-12)
print("generated step = hand-written δ equations; 100 compiled SGD steps = 100 eager ones")

# %% [markdown]
# ## Try it
# * Replace `"softplus"` by `"relu"` or `"sigmoid"` in `train` — and `sigmoid(Z1)` in `hand_forward_backward` by the
#   matching derivative.  The check cells tell you at once whether your new $\delta_2$ is right.
# * Give the hidden layer 4 or 64 units (`nn.MLP([2, 64, 5], ...)`): how do the boundaries change?
# * Set `noise=0.5` in `make_data`: the rings overlap more and the best possible accuracy drops.

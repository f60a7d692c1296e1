# %% [markdown]
# # 06 · Optimisers side by side: SGD, momentum, Nesterov, Adam, AMSGrad — and L2 weight decay
#
# **What you will learn** (report 000 §6, report 004)
#
# 1. The update rule of each optimiser the reports compared, as formulas and as five lines of numpy each — checked
#    against the engine's `nn.optim`, step for step.
# 2. How they move on 2-D loss surfaces you can see: a long narrow valley and the Rosenbrock banana.
# 3. How they compare on a small classifier.
# 4. L2 weight decay: what it adds to the gradient, and what it does to a network that over-fits.

# %%
try:  # the first thing: is the package there?  (one line says what to install if not)
    from autograd import viz
except ImportError as e:
    raise ImportError(
        "this notebook needs teachgrad: pip install 'teachgrad[notebooks]' "
        "(from a clone of the repository: pip install -e '.[notebooks]')"
    ) from e
viz.notebook(needs=["matplotlib"])  # one BLAS thread, pictures inline; says what is missing

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn

# %% [markdown]
# ## 1. The update rules
#
# All start from the gradient $g_t = \nabla_\theta L(\theta_{t-1})$ and a learning rate $\eta$.
#
# | optimiser | update |
# |---|---|
# | SGD | $\theta_t = \theta_{t-1} - \eta\, g_t$ |
# | momentum $\mu$ | $v_t = \mu v_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta\, v_t$ |
# | Nesterov | $v_t = \mu v_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu v_t)$ |
# | Adam | $m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t,\quad s_t = \beta_2 s_{t-1} + (1-\beta_2)g_t^2$ |
# | | $\hat m_t = m_t/(1-\beta_1^t),\quad \hat s_t = s_t/(1-\beta_2^t),\quad
#   \theta_t = \theta_{t-1} - \eta\,\hat m_t/(\sqrt{\hat s_t} + \varepsilon)$ |
# | AMSGrad | as Adam, but with $s^{\max}_t = \max(s^{\max}_{t-1}, s_t)$ in place of $s_t$ |
#
# * **Momentum** keeps a running sum of past gradients ("velocity"): steps grow along directions where the gradient
#   keeps its sign and cancel where it flips — fewer zig-zags in a narrow valley.
# * **Nesterov** looks ahead: it adds the velocity's next contribution to this step, correcting overshoot earlier.
# * **Adam** divides each coordinate's step by a running root-mean-square of its gradients, so every parameter
#   moves at about $\eta$ per step whatever its gradient's scale.  The bias corrections $1/(1-\beta^t)$ undo
#   the zero start of $m$ and $s$.
# * **AMSGrad** never lets the denominator shrink, so a parameter's step size can only decrease (Reddi et al.).
#
# (Momentum is written as PyTorch writes it; some texts scale $g_t$ by $1-\mu$ or put $\eta$ inside $v$.)


# %%
def hand_optimizer(name: str, lr: float, mu: float = 0.9, betas=(0.9, 0.999), eps: float = 1e-8):
    """The table above in numpy: returns step(theta, g) that updates theta in place."""
    state = {"t": 0, "v": None, "m": None, "s": None, "smax": None}

    def step(theta: np.ndarray, g: np.ndarray) -> None:
        state["t"] += 1
        t = state["t"]
        if name == "SGD":
            theta -= lr * g
        elif name in ("momentum", "Nesterov"):
            state["v"] = g.copy() if state["v"] is None else mu * state["v"] + g
            theta -= lr * (g + mu * state["v"] if name == "Nesterov" else state["v"])
        else:  # Adam, AMSGrad
            b1, b2 = betas
            state["m"] = (1 - b1) * g if state["m"] is None else b1 * state["m"] + (1 - b1) * g
            state["s"] = (1 - b2) * g * g if state["s"] is None else b2 * state["s"] + (1 - b2) * g * g
            s = state["s"]
            if name == "AMSGrad":
                s = state["smax"] = s if state["smax"] is None else np.maximum(state["smax"], s)
            theta -= lr * (state["m"] / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)

    return step


def engine_optimizer(name: str, params, lr: float, mu: float = 0.9, weight_decay: float = 0.0):
    """The same optimiser from nn.optim."""
    if name == "SGD":
        return nn.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    if name in ("momentum", "Nesterov"):
        return nn.optim.SGD(params, lr=lr, momentum=mu, nesterov=name == "Nesterov", weight_decay=weight_decay)
    return nn.optim.Adam(params, lr=lr, amsgrad=name == "AMSGrad", weight_decay=weight_decay)


NAMES = ["SGD", "momentum", "Nesterov", "Adam", "AMSGrad"]

# %% [markdown]
# ## 2. Two loss surfaces
#
# * A long, narrow valley: $f(x, y) = \tfrac12(x^2 + 20y^2)$.  Its gradient points mostly across the valley, so
#   plain gradient descent zig-zags; the learning rate is capped by the steep direction ($\eta < 2/20$).
# * Rosenbrock's banana: $f(x, y) = (1-x)^2 + 100\,(y - x^2)^2$, minimum at $(1, 1)$ at the end of a curved valley.
#
# Both are written with engine operations, so `backward()` gives the gradient; the optimiser sees a 2-vector
# parameter, exactly as it would see a network's weights.


# %%
def valley(p):
    return 0.5 * (p[0] ** 2 + 20 * p[1] ** 2)


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def path(f, name: str, lr: float, start, steps: int) -> np.ndarray:
    """Positions visited by optimiser `name` minimising f from `start`."""
    p = nn.Parameter(np.array(start, dtype=float))
    opt = engine_optimizer(name, [p], lr)
    points = [p.numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        f(p).backward()
        opt.step()
        points.append(p.numpy().copy())
    return np.array(points)


surfaces = {  # f, start, steps, learning rate per optimiser (change them!)
    "narrow valley ½(x² + 20y²)": (
        valley,
        (-9.0, 1.5),
        60,
        {"SGD": 0.09, "momentum": 0.02, "Nesterov": 0.02, "Adam": 0.5, "AMSGrad": 0.5},
    ),
    "Rosenbrock (1−x)² + 100(y−x²)²": (
        rosenbrock,
        (-1.5, 2.0),
        1500,
        {"SGD": 1e-3, "momentum": 2e-4, "Nesterov": 2e-4, "Adam": 0.05, "AMSGrad": 0.05},
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(13, 5))
for ax, (title, (f, start, steps, lrs)) in zip(axes, surfaces.items()):
    paths = {name: path(f, name, lrs[name], start, steps) for name in NAMES}
    visited = np.concatenate(list(paths.values()))
    lo, hi = visited.min(axis=0), visited.max(axis=0)
    pad = 0.15 * (hi - lo) + 0.2
    gx, gy = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], 300), np.linspace(lo[1] - pad[1], hi[1] + pad[1], 300)
    )
    z = f(np.array([gx, gy]))
    ax.contour(gx, gy, np.log1p(z), levels=25, cmap="Greys", linewidths=0.6)
    for name, q in paths.items():
        final = f(q[-1])
        ax.plot(*q.T, marker=".", ms=3, lw=1.2, label=f"{name} (η={lrs[name]}): f = {final:.2g}")
    ax.plot(*start, "ko")
    ax.set_title(f"{title}, {steps} steps")
    ax.legend(fontsize=8, loc="best")
plt.tight_layout()
plt.show()

# %% [markdown]
# In the valley, SGD bounces from wall to wall; momentum carries so much inertia ($\mu = 0.9$) that it overshoots
# and swings around the minimum, while Nesterov's look-ahead damps the swing and runs straight down the floor.
# Adam rescales both coordinates to the same step size, so it first heads diagonally, then its step of about $\eta$
# makes it circle the minimum.  On the banana every method follows the curved floor, but in 1 500 steps SGD is still
# far from $(1, 1)$, momentum and Nesterov get closer, and Adam arrives.
#
# ### Check yourself: the table = `nn.optim`
# Run both implementations for 50 steps on the valley from the same start; the trajectories must coincide.

# %%
for name in NAMES:
    lr = surfaces["narrow valley ½(x² + 20y²)"][3][name]
    theta = np.array([-9.0, 1.5])
    step = hand_optimizer(name, lr)
    hand = [theta.copy()]
    for _ in range(50):
        step(theta, np.array([theta[0], 20 * theta[1]]))  # ∇f = (x, 20y), by hand
        hand.append(theta.copy())
    np.testing.assert_allclose(path(valley, name, lr, (-9.0, 1.5), 50), np.array(hand), atol=1e-10, err_msg=name)
print("hand-written updates = nn.optim for", ", ".join(NAMES))

# %% [markdown]
# ## 3. On a small classifier
#
# Two interleaved half-moons, a 2-32-32-2 ReLU network, full-batch training from the same initialisation.  The
# learning rates are typical defaults (report 000 found Adam's needed to be much smaller than SGD's).


# %%
def moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 0 on the upper half circle, class 1 on a lower half circle shifted right, plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    angle = rng.uniform(0, np.pi, n)
    X = np.where(
        y[:, None] == 0,
        np.stack([np.cos(angle), np.sin(angle)], axis=1),
        np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1),
    )
    return X + noise * rng.standard_normal(X.shape), y


X, y = moons(300, 0.15, seed=0)
loss_fn = nn.CrossEntropyLoss()
rates = {"SGD": 0.1, "momentum": 0.1, "Nesterov": 0.1, "Adam": 0.01, "AMSGrad": 0.01}
curves = {}
for name in NAMES:
    nn.manual_seed(0)
    net = nn.MLP([2, 32, 32, 2])
    opt = engine_optimizer(name, net.parameters(), rates[name])
    curves[name] = []
    for _ in range(300):
        opt.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        opt.step()
        curves[name].append(loss.item())

plt.figure(figsize=(6.5, 3.8))
for name, c in curves.items():
    plt.plot(c, label=f"{name} (η={rates[name]}): {c[-1]:.3f}")
plt.yscale("log")
plt.xlabel("step")
plt.ylabel("training loss")
plt.title("two moons, 2-32-32-2 ReLU network")
plt.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 4. L2 weight decay
#
# Report 004 fights over-fitting by adding a penalty on large weights.  With
# $L_\lambda(\theta) = L(\theta) + \frac{\lambda}{2}\lVert\theta\rVert^2$ the gradient gains a term $\lambda\theta$:
#
# $$\theta_{t+1} = \theta_t - \eta\,\nabla L(\theta_t) - \eta\lambda\,\theta_t = (1 - \eta\lambda)\,\theta_t -
#   \eta\,\nabla L(\theta_t).$$
#
# Each step first shrinks ("decays") every weight by the factor $1-\eta\lambda$ — report 004's eq. 8 is the case
# $\lambda = 1$.  `weight_decay=λ` in `nn.optim.SGD` and `nn.optim.Adam` adds exactly this $\lambda\theta$.
#
# ### Check yourself: weight decay = gradient of the penalty

# %%
lam, lr = 0.05, 0.1
nn.manual_seed(1)
a, b = nn.MLP([2, 8, 2]), nn.MLP([2, 8, 2])
b.load_state_dict(a.state_dict())
opt_a = nn.optim.SGD(a.parameters(), lr=lr, weight_decay=lam)  # decay inside the optimiser
opt_b = nn.optim.SGD(b.parameters(), lr=lr)  # penalty inside the loss
loss_fn(a(X), y).backward()
penalty = sum((p * p).sum() for p in b.parameters()) * (lam / 2)
(loss_fn(b(X), y) + penalty).backward()
opt_a.step()
opt_b.step()
for (name, pa), pb in zip(a.named_parameters(), b.parameters()):
    np.testing.assert_allclose(pa.numpy(), pb.numpy(), atol=1e-10, err_msg=name)
print("SGD(weight_decay=λ) step = SGD step on L + λ/2·‖θ‖²")

# %% [markdown]
# Now a network with far more parameters than data: 40 noisy training points, a 2-64-64-2 network, 1 500 Adam
# steps.  Without decay the boundary curls around individual noisy points; growing λ keeps the weights small and the
# boundary smooth, until too much decay under-fits.

# %%
X_small, y_small = moons(40, 0.3, seed=1)
X_test, y_test = moons(500, 0.3, seed=2)
gx, gy = np.meshgrid(np.linspace(-2, 2.6, 200), np.linspace(-1.6, 1.9, 160))
grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
for ax, lam in zip(axes, [0.0, 1e-3, 1e-2, 1e-1]):
    nn.manual_seed(0)
    net = nn.MLP([2, 64, 64, 2])
    opt = nn.optim.Adam(net.parameters(), lr=0.01, weight_decay=lam)
    for _ in range(1500):
        opt.zero_grad()
        loss_fn(net(X_small), y_small).backward()
        opt.step()
    with autograd.no_grad():
        regions = net(grid).numpy().argmax(axis=1).reshape(gx.shape)
        test_acc = np.mean(net(X_test).numpy().argmax(axis=1) == y_test)
        train_acc = np.mean(net(X_small).numpy().argmax(axis=1) == y_small)
    norm = np.sqrt(sum((p.numpy() ** 2).sum() for p in net.parameters()))
    ax.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5], colors=["#bfdbfe", "#fecaca"])
    ax.scatter(*X_small.T, c=y_small, cmap="bwr", s=18, edgecolor="k")
    ax.set_title(f"λ = {lam}: ‖θ‖ = {norm:.1f}\ntrain {train_acc:.0%}, test {test_acc:.0%}", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Try it
# * Raise SGD's rate on the valley to 0.11 (above $2/20$): it diverges.  Momentum's limit is different — find it.
# * Set $\beta_2 = 0.9$ for Adam (`nn.optim.Adam(..., betas=(0.9, 0.9))`) on Rosenbrock and compare with AMSGrad.
# * Use `weight_decay` with SGD instead of Adam in section 4. (With Adam, L2 decay is divided by $\sqrt{\hat s}$ like
#   the gradient, so it acts unevenly; "AdamW" decays the weights directly instead.)

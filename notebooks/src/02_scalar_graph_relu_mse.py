# %% [markdown]
# # 02 · A scalar graph by hand: x·m + b → ReLU → MSE
#
# **What you will learn** (report 000, part 2)
#
# 1. The forward pass of the smallest network there is, one value at a time.
# 2. The *local* derivative of every operation, and how the chain rule multiplies them into
#    $\partial L/\partial b$, $\partial L/\partial m$, $\partial L/\partial x$ (equations 7–12).
# 3. What `backward()` does: the same products, computed from the output back to the inputs — watched step by step.
# 4. The two branches of ReLU: for $a > 0$ the gradient flows; for $a \le 0$ it is exactly zero (a "dead" ReLU).

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

from autograd import Tensor

# %% [markdown]
# ## 1. The graph and its forward pass
#
# Three scalar inputs $x, m, b$ and a target $y^*$:
#
# $$a = x\cdot m + b, \qquad y = \mathrm{ReLU}(a) = \max(0, a), \qquad L = \mathrm{MSE}(y, y^*) = (y - y^*)^2.$$
#
# **Change the four numbers** and rerun everything below; every check adapts.

# %%
x0, m0, b0, y_star0 = 2.0, 3.0, 1.0, 4.0  # the report's example: a = 7 > 0


def forward(x: float, m: float, b: float, y_star: float):
    """Build the graph with the report's names on every tensor; return (L, the tensors by name)."""
    t = {n: Tensor(v, requires_grad=True, name=n) for n, v in [("x", x), ("m", m), ("b", b), ("y*", y_star)]}
    a = t["x"] * t["m"] + t["b"]
    y = a.relu()
    L = (y - t["y*"]) ** 2
    a.name, y.name, L.name = "a", "y", "L"
    return L, {**t, "a": a, "y": y, "L": L}


L, t = forward(x0, m0, b0, y_star0)
print(f"a = x·m + b = {x0}·{m0} + {b0} = {t['a'].item()}")
print(f"y = ReLU(a) = {t['y'].item()}")
print(f"L = (y − y*)² = ({t['y'].item()} − {y_star0})² = {L.item()}")

# %% [markdown]
# The engine recorded each operation as a node.  Boxes are tensors (value, and in red $\partial L/\partial$tensor);
# ellipses are operations; the `** 2` folds its constant 2 into the ellipse.  With `edge_labels="both"` each edge
# reads *upstream × local = gradient sent back*: exactly one factor of the chain rule.

# %%
viz.draw_graph(L, edge_labels="both")

# %% [markdown]
# ## 2. Local derivatives
#
# Each operation only needs to know its own derivative:
#
# | operation | local derivatives |
# |---|---|
# | $a = x m + b$ | $\partial a/\partial x = m,\quad \partial a/\partial m = x,\quad \partial a/\partial b = 1$ |
# | $y = \mathrm{ReLU}(a)$ | $\dfrac{\partial y}{\partial a} = \begin{cases}0, & a \le 0\\ 1, & a > 0\end{cases}$ (7) |
# | $L = (y - y^*)^2$ | $\dfrac{\partial L}{\partial y} = 2(y - y^*)$ (8) |
# | | $\dfrac{\partial L}{\partial y^*} = 2(y^* - y)$ (9) |
#
# (At exactly $a = 0$ ReLU has no derivative; like the report and PyTorch, the engine uses 0 there.)
#
# ## 3. The chain rule by hand
#
# Multiply the local derivatives along the path from $L$ back to each input:
#
# $$\frac{\partial L}{\partial b}
#   = \frac{\partial L}{\partial y}\frac{\partial y}{\partial a}\frac{\partial a}{\partial b}
#   = \begin{cases}0, & a\le 0\\ 2(y-y^*), & a > 0\end{cases} \tag{10}$$
#
# $$\frac{\partial L}{\partial m}
#   = \frac{\partial L}{\partial y}\frac{\partial y}{\partial a}\frac{\partial a}{\partial m}
#   = \begin{cases}0, & a\le 0\\ 2(y-y^*)\,x, & a > 0\end{cases} \tag{11}$$
#
# $$\frac{\partial L}{\partial x}
#   = \frac{\partial L}{\partial y}\frac{\partial y}{\partial a}\frac{\partial a}{\partial x}
#   = \begin{cases}0, & a\le 0\\ 2(y-y^*)\,m, & a > 0\end{cases} \tag{12}$$
#
# As code, a direct transcription:


# %%
def by_hand(x: float, m: float, b: float, y_star: float) -> dict[str, float]:
    """Equations 7–12 of report 000, written out."""
    a = x * m + b
    y = max(0.0, a)
    dL_dy = 2 * (y - y_star)  # (8)
    dy_da = 1.0 if a > 0 else 0.0  # (7)
    return {
        "b": dL_dy * dy_da * 1,  # (10)
        "m": dL_dy * dy_da * x,  # (11)
        "x": dL_dy * dy_da * m,  # (12)
        "y*": 2 * (y_star - y),
    }  # (9)


def by_engine(x: float, m: float, b: float, y_star: float) -> dict[str, float]:
    """The same gradients from the engine: build the graph, call backward(), read .grad."""
    L, t = forward(x, m, b, y_star)
    L.backward()
    return {n: t[n].grad.item() for n in ["b", "m", "x", "y*"]}


print("by hand:  ", by_hand(x0, m0, b0, y_star0))
print("by engine:", by_engine(x0, m0, b0, y_star0))

# %% [markdown]
# ## 4. Backward, frame by frame
#
# `backward()` visits the operations in reverse order.  At each one it receives $\bar g = \partial L/\partial(\text{its
# output})$ and calls the operation's *vector-Jacobian product* to send $\bar g \times$ local derivative to each input.
# Below, the stepper: step 0 is the forward pass with the seed $\partial L/\partial L = 1$; each later step is one VJP,
# the active operation highlighted in orange, the gradients known so far in red.  Click it, then step with ← →
# (or the buttons), play with space, or drag the slider.  (`viz.backward_frames(L)` gives the same pictures as a
# list, `viz.backward_html(L, "backprop.html")` writes the page to a file.)

# %%
L, t = forward(x0, m0, b0, y_star0)
viz.backward_stepper(L)

# %% [markdown]
# Reading the frames against the equations: steps 1 and 2 are eqs. 8 and 9 (the `** 2` turns the seed 1 into
# $2(y - y^*)$, the `−` passes it on to $y$ and, negated, to $y^*$); the `ReLU` step is eq. 7 (multiply by 1, or
# by 0); the `+` step copies the gradient to $b$ (eq. 10) and to $x\cdot m$; the `×` step multiplies by the *other*
# input (eqs. 11 and 12).
#
# ## 5. Both branches
#
# With $x = -2$ the pre-activation is $a = -2\cdot 3 + 1 = -5 \le 0$: ReLU outputs 0, its local derivative is 0,
# and every gradient upstream of it vanishes — although the loss $(0 - 4)^2 = 16$ is large.

# %%
cases = {"a > 0": (x0, m0, b0, y_star0), "a ≤ 0": (-2.0, 3.0, 1.0, 4.0), "a = 0 exactly": (1.0, -1.0, 1.0, 4.0)}
for label, args in cases.items():
    for who, grads in [("hand", by_hand(*args)), ("engine", by_engine(*args))]:
        print(f"{label:14} {who:7}", "  ".join(f"∂L/∂{n} = {g + 0.0:g}" for n, g in grads.items()))

# %%
L_dead, _ = forward(-2.0, 3.0, 1.0, 4.0)
viz.draw_graph(L_dead, edge_labels="both")

# %% [markdown]
# ### Check yourself
# Hand and engine agree on both branches (and at the kink), for the report's numbers and for random ones.

# %%
rng = np.random.default_rng(0)
random_cases = [tuple(rng.normal(0, 3, size=4)) for _ in range(20)]
for args in [*cases.values(), *random_cases]:
    hand, engine = by_hand(*args), by_engine(*args)
    for name in hand:
        np.testing.assert_allclose(engine[name], hand[name], atol=1e-10, err_msg=f"{name} at {args}")
assert by_hand(x0, m0, b0, y_star0) == {"b": 6.0, "m": 12.0, "x": 18.0, "y*": -6.0}  # the report's numbers
print(f"equations 7–12 agree with backward() in {len(cases) + len(random_cases)} cases")

# %% [markdown]
# ## 6. The picture: loss and gradient as $b$ moves
#
# Hold $x, m, y^*$ fixed and slide $b$.  Left of $b = -xm$ the ReLU is off: the loss is flat at $(y^*)^2$ and its
# slope, $\partial L/\partial b$, is zero — gradient descent cannot move $b$ out of there.  Right of it, the loss is a
# parabola with slope $2(y - y^*)$, zero at $y = y^*$.

# %%
bs = np.linspace(-12, 6, 361)
losses = [forward(x0, m0, b, y_star0)[0].item() for b in bs]
slopes = [by_engine(x0, m0, b, y_star0)["b"] for b in bs]

fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
ax[0].plot(bs, losses)
ax[0].set(xlabel="b", ylabel="L", title=f"L(b) with x={x0}, m={m0}, y*={y_star0}")
ax[1].plot(bs, slopes, color="tab:red")
ax[1].set(xlabel="b", ylabel="∂L/∂b (engine)", title="∂L/∂b: 0 where a ≤ 0, 2(y − y*) where a > 0")
for a_ in ax:
    a_.axvline(-x0 * m0, color="gray", ls="--", lw=1)
    a_.axvspan(bs[0], -x0 * m0, color="gray", alpha=0.12)
    a_.text(-x0 * m0 - 0.3, a_.get_ylim()[1] * 0.9, "ReLU off (a ≤ 0)", ha="right", fontsize=9)
ax[0].plot(b0, forward(x0, m0, b0, y_star0)[0].item(), "o", color="black")
ax[1].plot(b0, by_engine(x0, m0, b0, y_star0)["b"], "o", color="black")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 7. The engine writes the backward function
#
# `backward()` walks the graph and calls each operation's VJP, every time.  `autograd.compile` watches that walk
# once and writes what it did as one plain numpy function: the forward lines, then one block per VJP, each with the
# rule it applies and the report's equation number.  No graph, no Tensor objects inside: just the arithmetic of
# equations 7–12, in the order backprop does it.  (`step.source` is the text; `step.show()` prints it.)

# %%
import autograd

leaves = {n: Tensor(v, requires_grad=True, name=n) for n, v in [("x", x0), ("m", m0), ("b", b0), ("y*", y_star0)]}


@autograd.compile
def step():
    a = leaves["x"] * leaves["m"] + leaves["b"]
    y = a.relu()
    L = (y - leaves["y*"]) ** 2
    L.backward()
    return L


step()  # the first call runs the engine and writes the program (named after step's own variables)
step.show()

# %% [markdown]
# Read it against the derivation, from the bottom of the forward pass up:
#
# * `g_L = 1.0` is the seed $\partial L/\partial L = 1$;
# * `g_sub1 = g_L * (2 * sub1)` is eq. (8), $\partial L/\partial y = 2(y - y^*)$ (`sub1` is $y - y^*$), and
#   `g_y_star = -g_sub1` is eq. (9);
# * `g_a = g_y * (a > 0)` is eq. (7): the gradient passes where $a > 0$ and is multiplied by 0 elsewhere;
# * `g_b = g_a` is eq. (10) (the `+` copies its gradient), `g_x = g_a * m` eq. (12) and `g_m = g_a * x` eq. (11)
#   (the `×` multiplies by the *other* input).
#
# Later calls run this function on the leaves' current values, so it is the derivation, reusable.

# %% [markdown]
# ### Check yourself
# The generated function gives eqs. 7–12 on both branches and at the kink (the leaves change in place between calls;
# the program reads their values at each call).

# %%
for label, (x_, m_, b_, ys_) in cases.items():
    with autograd.no_grad():
        for name, v in [("x", x_), ("m", m_), ("b", b_), ("y*", ys_)]:
            leaves[name].copy_(Tensor(v))
    for leaf in leaves.values():
        leaf.grad = None
    step()
    compiled = {n: leaves[n].grad.item() for n in ["b", "m", "x", "y*"]}
    for name, g in by_hand(x_, m_, b_, ys_).items():
        np.testing.assert_allclose(compiled[name], g, atol=1e-12, err_msg=f"{name}, {label}")
print(f"the generated backward agrees with equations 7–12 in {len(cases)} cases ({step.traces} trace)")

# %% [markdown]
# ## Try it
# * Set `y_star0 = 7.0`: the loss and every gradient are 0 — the prediction is already right.
# * Make $m$ negative: which inputs now push $a$ below zero?
# * Replace `.relu()` by `.sigmoid()` in `forward` (and eq. 7 by $\sigma(a)(1-\sigma(a))$ in `by_hand`): the
#   gradient never becomes exactly zero, but it becomes tiny for very negative $a$.

# %% [markdown]
# # 01 · Softmax and cross-entropy: the Jacobian, the shortcut ŷ − y, and the max-shift
#
# **What you will learn**
#
# 1. The softmax Jacobian $\partial\hat y/\partial\theta = \mathrm{diag}(\hat y) - \hat y\hat y^\top$, derived by hand
#    and computed by the engine (`autograd.jacobian`), entry for entry.
# 2. Why softmax followed by cross-entropy has the gradient $\hat y - y$: the Jacobian and $-y/\hat y$ multiply out
#    to something very simple.  You will see it in numbers and in the computational graph.
# 3. What goes wrong at large logits when softmax and log are computed one after the other, and how the fused loss
#    (`autograd.cross_entropy`, `nn.CrossEntropyLoss`) stays finite.
#
# Everything below is live: change the logits, the target, the sizes, and run again.

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
from IPython.display import display

import autograd
from autograd import Tensor, cross_entropy, softmax

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. Softmax and its Jacobian
#
# The last layer of a classifier produces one number per class, the **logits** $\theta = (\theta_1,\dots,\theta_C)$.
# Softmax turns them into probabilities:
#
# $$\hat y_i = \mathrm{softmax}(\theta)_i = \frac{e^{\theta_i}}{\Sigma_C},
#   \qquad \Sigma_C = \sum_{j=1}^{C} e^{\theta_j}.$$
#
# Every output depends on every input (through $\Sigma_C$), so the derivative is a $C\times C$ matrix, the Jacobian
# $J_{ij} = \partial \hat y_i / \partial \theta_j$.  The quotient rule gives two cases.
#
# **Matching index** $i = j$: $\partial e^{\theta_i}/\partial\theta_i = e^{\theta_i}$ and
# $\partial \Sigma_C/\partial\theta_i = e^{\theta_i}$, so
#
# $$\frac{\partial \hat y_i}{\partial \theta_i}
#   = \frac{e^{\theta_i}\Sigma_C - e^{\theta_i}e^{\theta_i}}{\Sigma_C^2}
#   = \frac{e^{\theta_i}}{\Sigma_C}\cdot\frac{\Sigma_C - e^{\theta_i}}{\Sigma_C}
#   = \hat y_i(1-\hat y_i). \tag{1.2}$$
#
# **Different index** $i \ne j$: the numerator $e^{\theta_i}$ does not depend on $\theta_j$, only $\Sigma_C$ does:
#
# $$\frac{\partial \hat y_i}{\partial \theta_j} = \frac{0 - e^{\theta_i}e^{\theta_j}}{\Sigma_C^2} = -\hat y_i\hat y_j.
#   \tag{1.3}$$
#
# Both cases in one formula, $J_{ij} = \hat y_i(\delta_{ij} - \hat y_j)$, or as a matrix
#
# $$J = \frac{\partial \hat y}{\partial \theta} = \mathrm{diag}(\hat y) - \hat y\,\hat y^\top
#   = \begin{bmatrix} \hat y_1(1-\hat y_1) & -\hat y_1\hat y_2 & \cdots \\
#                     -\hat y_2\hat y_1 & \hat y_2(1-\hat y_2) & \cdots \\
#                     \vdots & & \ddots \end{bmatrix}. \tag{1.4}$$
#
# (Equation numbers follow the course reports: 1.2–1.4 are report 002's.)
#
# Now the engine.  `autograd.jacobian(f, x)` runs one backward pass per output entry: backward with the seed
# $e_i$ returns row $i$ of the Jacobian.  **Change `theta` and rerun.**

# %%
theta = np.array([2.0, 1.0, 0.1, -1.0])  # logits: try other values, other lengths

y_hat = np.exp(theta - theta.max())
y_hat /= y_hat.sum()
J_hand = np.diag(y_hat) - np.outer(y_hat, y_hat)  # eq. 1.4
J_engine = autograd.jacobian(softmax, Tensor(theta))

print("ŷ =", y_hat)
print("J by hand:\n", J_hand)
print("J by the engine:\n", J_engine)

# %% [markdown]
# ### Check yourself
# The hand formula and the engine must agree to rounding error.  The rows and columns of $J$ also sum to zero:
# the probabilities always sum to 1, so no change of the logits can change their sum.

# %%
np.testing.assert_allclose(J_engine, J_hand, atol=1e-10)
np.testing.assert_allclose(J_hand.sum(axis=0), 0, atol=1e-12)  # Σ_i ∂ŷ_i/∂θ_j = ŷ_j − ŷ_j Σ_i ŷ_i = 0
print("eq. 1.4 holds: the engine's Jacobian is diag(ŷ) − ŷŷᵀ")

# %% [markdown]
# The picture: positive on the diagonal (raising $\theta_i$ raises $\hat y_i$), negative elsewhere (it lowers all
# the others).  The largest logit's row and column carry the largest entries.

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
lim = np.abs(J_hand).max()
for ax, M, title in zip(axes, [J_hand, J_engine], ["by hand: diag(ŷ) − ŷŷᵀ", "engine: autograd.jacobian"]):
    im = ax.imshow(M, cmap="RdBu_r", vmin=-lim, vmax=lim)
    for (i, j), v in np.ndenumerate(M):
        ax.text(j, i, f"{v:.3f}", ha="center", va="center", fontsize=9)
    ax.set_title(title)
    ax.set_xlabel("j (logit θ_j)")
axes[0].set_ylabel("i (output ŷ_i)")
fig.colorbar(im, ax=axes, shrink=0.8, label="∂ŷ_i/∂θ_j")
plt.show()

# %% [markdown]
# ## 2. Softmax + cross-entropy collapses to $\hat y - y$
#
# With a one-hot target $y$ (1 for the true class $c$, 0 elsewhere) the cross-entropy loss is
#
# $$L = -\sum_{i=1}^{C} y_i\log \hat y_i, \qquad
#   \frac{\partial L}{\partial \hat y_i} = -\frac{y_i}{\hat y_i}
#   = \begin{cases}-1/\hat y_c & i = c\\ 0 & \text{otherwise.}\end{cases} \tag{1.1}$$
#
# The chain rule through the softmax sums over every output $\hat y_j$ that $\theta_i$ influences:
#
# $$\frac{\partial L}{\partial \theta_i}
#   = \sum_j \frac{\partial L}{\partial \hat y_j}\frac{\partial \hat y_j}{\partial \theta_i}
#   = -\frac{y_i}{\hat y_i}\,\hat y_i(1-\hat y_i) \;-\; \sum_{j\ne i}\frac{y_j}{\hat y_j}(-\hat y_j\hat y_i)
#   = -y_i + y_i\hat y_i + \sum_{j\ne i} y_j\hat y_i
#   = -y_i + \hat y_i\sum_{j} y_j = \hat y_i - y_i. \tag{1.5}$$
#
# The last step uses $\sum_j y_j = 1$.  So the $C\times C$ Jacobian times the vector $-y/\hat y$ is simply
# $\hat y - y$ (report 000 eq. 6, report 002 eq. 1.5, report 003): the predicted probabilities minus the target.
# Push the true class up by $1-\hat y_c$, push every other class down by its probability.
#
# Four ways to compute it, which must agree:
# * **by hand, the long way**: $J^\top(-y/\hat y)$ with the Jacobian from above;
# * **by hand, the short way**: $\hat y - y$;
# * **the engine, unfused**: the graph `softmax → log → × y → sum → −`, backward through each node;
# * **the engine, fused**: `cross_entropy(θ, y)`, one node whose backward *is* $\hat y - y$.

# %%
c = 0  # the true class: try others
y = np.eye(len(theta))[c]  # one-hot target

grad_long = J_hand.T @ (-y / y_hat)  # chain rule with the full Jacobian
grad_short = y_hat - y  # eq. 1.5

th_unfused = Tensor(theta, requires_grad=True, name="θ")
y_hat_t = softmax(th_unfused)
y_hat_t.name = "ŷ"
L_unfused = -(Tensor(y, name="y") * y_hat_t.log()).sum()
L_unfused.name = "L"
L_unfused.backward()
graph_unfused = viz.draw_graph(L_unfused)  # drawn after backward(), as in micrograd: the gradients just computed

th_fused = Tensor(theta, requires_grad=True, name="θ")
L_fused = cross_entropy(th_fused, y)
L_fused.name = "L"
L_fused.backward()
graph_fused = viz.draw_graph(L_fused)

print("loss                       ", L_unfused.item(), L_fused.item())
print("J^T (−y/ŷ)      (by hand)  ", grad_long)
print("ŷ − y           (by hand)  ", grad_short)
print("unfused graph   (engine)   ", th_unfused.grad.data)
print("fused loss      (engine)   ", th_fused.grad.data)

# %% [markdown]
# ### Check yourself

# %%
for name, g in [("J^T(−y/ŷ)", grad_long), ("unfused", th_unfused.grad.data), ("fused", th_fused.grad.data)]:
    np.testing.assert_allclose(g, grad_short, atol=1e-10, err_msg=name)
np.testing.assert_allclose(L_fused.item(), -np.log(y_hat[c]), atol=1e-12)
print("all four gradients equal ŷ − y")

# %% [markdown]
# ### The two graphs
# The unfused graph: each box is a tensor with its value and, in red, $\partial L/\partial(\text{tensor})$; each
# ellipse is an operation; the red number on an edge is the gradient flowing back along it.  Read it from the
# output back: $\partial L/\partial \hat y = -y/\hat y$ is large and lives on one entry only; after the softmax node
# it has become $\hat y - y$.

# %%
display(graph_unfused)

# %% [markdown]
# The fused loss is one node: its backward rule is eq. 1.5 itself, so it never computes $-y/\hat y$ at all.

# %%
display(graph_fused)

# %% [markdown]
# ## 3. Large logits: why the max-shift, and why the fused loss
#
# $e^{\theta}$ overflows float64 above $\theta \approx 709$ (float32: above 88).  A naive softmax
# $e^{\theta_i}/\sum_j e^{\theta_j}$ then computes $\infty/\infty = \text{NaN}$.  The cure is the identity
#
# $$\mathrm{softmax}(\theta - m) = \frac{e^{\theta_i}e^{-m}}{\sum_j e^{\theta_j}e^{-m}} = \mathrm{softmax}(\theta)
#   \quad\text{for any constant } m,$$
#
# with $m = \max_j\theta_j$: the largest exponent becomes $e^0 = 1$ and nothing overflows.  The engine's `softmax`
# does this.  But it is not enough when a *log* follows: if the true class's probability underflows to 0,
# $\log 0 = -\infty$, and the backward pass computes $-y/\hat y = -1/0$ and then $\infty\cdot 0 = $ NaN.
#
# The fused loss never forms $\hat y_c$.  It uses the log-sum-exp form
#
# $$L = -\log\hat y_c = \log\sum_j e^{\theta_j} - \theta_c = m + \log\sum_j e^{\theta_j - m} - \theta_c,$$
#
# which is finite for any finite logits, and its gradient $\hat y - y$ only needs the (shifted, safe) softmax.
#
# Below: two classes, the target is class 0, and the *wrong* class has a logit `gap` above it.  The exact loss is
# $\log(1 + e^{\text{gap}}) \approx \text{gap}$.


# %%
def naive_softmax(t):
    """Softmax without the shift: overflows for logits above ~709."""
    e = np.exp(t)
    return e / e.sum()


def losses_at(gap: float) -> tuple[float, float, float, float]:
    """Loss by: naive softmax + log, shifted softmax + log (engine), fused (engine); and the fused gradient[0]."""
    t, target = np.array([0.0, gap]), np.array([1.0, 0.0])
    with np.errstate(all="ignore"):
        naive = -np.log(naive_softmax(t)[0])
        th = Tensor(t, requires_grad=True)
        unfused = -(Tensor(target) * softmax(th).log()).sum()
        fused = cross_entropy(Tensor(t, requires_grad=True), target)
    return naive, unfused.item(), fused.item(), np.logaddexp(0, gap)


print(f"{'gap':>8} {'naive':>10} {'shifted+log':>12} {'fused':>10} {'exact':>10}")
for gap in [1, 10, 100, 700, 710, 800, 1e4]:
    print(f"{gap:>8g}" + "".join(f"{v:>11.4g}" for v in losses_at(gap)))

# %% [markdown]
# The naive softmax fails first: above 709, $e^{\text{gap}}$ overflows, $\hat y_0 = 1/\infty = 0$ and the loss is
# $-\log 0 = \infty$ (and $\hat y_1 = \infty/\infty$ is NaN).  The shifted softmax followed by a log fails next, once
# $e^{-\text{gap}}$ underflows to 0 (near 745).  The fused loss never does.  And the gradients:

# %%
gap = 1000.0
with np.errstate(all="ignore"):
    th_bad = Tensor([0.0, gap], requires_grad=True)
    (-(Tensor([1.0, 0.0]) * softmax(th_bad).log()).sum()).backward()
th_good = Tensor([0.0, gap], requires_grad=True)
L_good = cross_entropy(th_good, np.array([1.0, 0.0]))
L_good.backward()
print("softmax → log, gradient:", th_bad.grad.data)
print("fused,         gradient:", th_good.grad.data, "  loss:", L_good.item())

# %% [markdown]
# ### Check yourself
# At a gap of 1000 the fused loss equals log-sum-exp minus the true logit, and its gradient is $\hat y - y$
# with $\hat y = (0, 1)$ to float64 precision.

# %%
np.testing.assert_allclose(L_good.item(), np.logaddexp(0.0, gap) - 0.0, atol=1e-10)
np.testing.assert_allclose(th_good.grad.data, np.array([0.0, 1.0]) - np.array([1.0, 0.0]), atol=1e-10)
assert np.isnan(th_bad.grad.data).all()
print("the fused loss is finite and exact where softmax-then-log gives NaN")

# %% [markdown]
# ## Try it
# * Make one logit dominate (`theta = [8, 0, 0, 0]`): the Jacobian goes to zero everywhere.  That is a *saturated*
#   softmax: confident predictions learn slowly through the softmax alone — yet $\hat y - y$ is still large when the
#   confident prediction is wrong (set `c = 1`).  The fused gradient never vanishes for a wrong answer.
# * Use a soft target (`y = np.array([0.7, 0.3, 0, 0])`): eq. 1.5 still holds because $\sum_j y_j = 1$.
# * Repeat section 3 in float32 (`np.float32` logits): the naive softmax fails already near a gap of 88.

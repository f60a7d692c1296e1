"""Pictures of computational graphs, made for teaching: values, gradients, backprop step by step, training as a film.

    from autograd import Tensor, viz
    x = Tensor(2.0, requires_grad=True, name="x")
    L = ((x * 3 + 1).relu() - 4) ** 2
    L.backward()                                  # before or after drawing: both work
    viz.draw_graph(L)                             # in Jupyter it displays; .render("graph", format="svg")
    viz.backward_stepper(L)                       # backward step by step, inline (.save("backprop.html"))
    film = viz.TrainingFilm(model, every=10)      # record a training loop: film.record(loss) each step
    film.html("film.html")                        # play / step / scrub through it

Where things live: `model.py` reads the graph once through the engine's public
API (`autograd.walk`, `inputs_of`, `.op`, `.params`, `.scope`, `Parameter`) and
names every node; `dot.py` writes the DOT text of one picture and chooses the
layout that fits a notebook column; `frames.py` computes the gradients on the
side with the engine's own backward walk (`autograd.engine.backprop`, watched
through `on_step`; no `.grad` is touched) and makes `draw_graph` and
`backward_frames`; `stepper.py` makes self-contained HTML pages that display
inline (`backward_stepper`, `backward_html`); `film.py` records training
(`TrainingFilm`); `notebook.py` is what every notebook runs first (`notebook()`).
The page's HTML, CSS and JavaScript are files in `templates/`.

What a picture shows:

* one box per tensor: its name, its shape, its data and ∂L/∂tensor (in full for small
  tensors, mean and range for big ones); colour and border tell inputs, parameters,
  constants, intermediates, the output and nodes freed by backward() apart (the legend
  says which is which).  Names: the student's `name=` first; a parameter's module path
  (`0.weight`); else the expression that made it when short (`x×m`), else its op and
  position (`relu₁`, `matmul₂`);
* one ellipse per operation, between its inputs and its output; numeric constants (the 4
  of `y - 4`) and the exponent of `x ** 2` are folded into the ellipse ("− 4", "** 2");
* on every input edge, the gradient flowing back along it (the VJP's result for that
  input): a number for scalars, a shape otherwise.  Where a tensor is used twice
  (`x * x`) there are two edges, and its gradient is their sum;
* operations of one `nn.Module` inside a labelled box (nested modules nest), with the
  parameters only that module uses; `collapse=depth` folds each module at that depth
  into one node, which `draw_graph` also does by itself when nothing else fits the width.

After `backward()` without `retain_graph`, small nodes (at most 1,024 entries) keep
their links and are drawn as usual; bigger ones let go of their inputs, and are drawn
grey and dashed as "freed", with a note saying how to keep them (draw before
backward(), or backward(retain_graph=True)).
"""

from autograd.viz.dot import COLUMN_PX, ROLE_STYLE, DotNotFound, Graph, has_dot
from autograd.viz.film import TrainingFilm
from autograd.viz.frames import Frame, backward_frames, draw_graph
from autograd.viz.notebook import notebook
from autograd.viz.stepper import Page, backward_html, backward_stepper

__all__ = [
    "draw_graph",
    "backward_frames",
    "backward_stepper",
    "backward_html",
    "TrainingFilm",
    "notebook",
    "Page",
    "Frame",
    "Graph",
    "DotNotFound",
    "has_dot",
    "ROLE_STYLE",
    "COLUMN_PX",
]

"""Build the class website into out/site/: `bash run.sh docs` (or `python docs/build.py`).

The tool is MkDocs with the Material theme and mkdocstrings (chosen because it builds
with no network, its `offline` plugin makes the site work opened from files, and
mkdocstrings reads the API reference from the docstrings without importing anything
by hand).  This script lays out the pages in out/site-src/ and runs `mkdocs build`:

* the README, one page per marked section (`<!-- section: X -->`), the part before
  the first section as the home page;
* an API reference generated from the docstrings (`::: autograd`, ...);
* every notebook executed (nbclient, each in a folder of its own, as the tests do)
  and converted with its outputs (nbconvert: pictures as files, the stepper and the
  film as inline frames);
* the showcase: report 000's and 001's graphs, the backward stepper and the training
  film of report 001's network, as files the pages show;
* MathJax 3 (`tex-svg.js`, one file with its fonts) and the shim Material's offline
  search needs, from the npm registry (`npm pack`), cached in out/.cache/; without npm
  the site builds, shows TeX source and has no search.

Everything the pages load is in out/site/: no network is needed to read it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = "mathjax@3.2.2"  # tex-svg.js: one file, fonts included, so formulas render from file://
SHIM = "iframe-worker@1.0.4"  # Material's offline search runs its worker through this shim (else from unpkg)
API = {  # page: (title, objects documented on it)
    "autograd": ("autograd: Tensor and functions", ["autograd.engine", "autograd.factories", "autograd.methods"]),
    "ops": ("autograd.ops: the op table", ["autograd.ops"]),
    "viz": (
        "autograd.viz: pictures, stepper, film",
        [
            "autograd.viz.frames",
            "autograd.viz.stepper",
            "autograd.viz.film",
            "autograd.viz.notebook",
            "autograd.viz.model",
            "autograd.viz.dot",
        ],
    ),
    "check": ("autograd.check and functional", ["autograd.check", "autograd.functional"]),
    "nn": ("nn: modules, losses, data", ["nn.module", "nn.layers", "nn.losses", "nn.functional", "nn.data", "nn.init"]),
    "optim": ("nn.optim: optimisers", ["nn.optim"]),
}


def readme_pages(text: str) -> dict[str, tuple[str, str]]:
    """{slug: (title, markdown)}: the README before its first marked section as "index", then each section."""
    pages: dict[str, tuple[str, str]] = {}
    first = text.find("<!-- section:")
    head = text if first < 0 else text[:first]
    pages["index"] = ("Home", head)
    for m in re.finditer(r"<!-- section: ([\w-]+) -->\n(.*?)<!-- /section: \1 -->", text, re.S):
        body = m.group(2)
        title = re.search(r"^#+ (.+)$", body, re.M)
        pages[m.group(1)] = (title.group(1).strip() if title else m.group(1), body)
    return pages


def fix_links(md: str) -> str:
    """README links as they work on the site: images from img/, notebooks as their pages."""
    md = md.replace("](docs/img/", "](img/")
    md = re.sub(r"\]\(notebooks/(\d\d_\w+)\.ipynb\)", r"](notebooks/\1.md)", md)
    return md


def execute_notebooks(src: Path, work: Path) -> list[Path]:
    """Run every notebook alone in a folder of its own; return the executed copies."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    for path in sorted(src.glob("[0-9][0-9]_*.ipynb")):
        folder = work / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute(
            env=env
        )
        out = folder / path.name
        nbformat.write(nb, out)
        done.append(out)
        print(f"docs: executed {path.name}")
    return done


def notebook_page(executed: Path, pages: Path) -> str:
    """Convert an executed notebook to Markdown with its outputs (files beside it); return its title."""
    import nbformat
    from nbconvert import MarkdownExporter

    nb = nbformat.read(executed, as_version=4)
    files = {"output_files_dir": f"{executed.stem}_files"}
    body, resources = MarkdownExporter().from_notebook_node(nb, resources=files)
    for name, data in resources.get("outputs", {}).items():
        target = pages / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    download = f"[download the notebook]({executed.name}) · run it anywhere: `pip install 'teachgrad[notebooks]'`\n\n"
    title = re.search(r"^# (.+)$", body, re.M)
    (pages / f"{executed.stem}.md").write_text(download + body, encoding="utf-8")
    shutil.copy(ROOT / "notebooks" / executed.name, pages / executed.name)  # the clean copy, without outputs
    return title.group(1).strip() if title else executed.stem


def showcase(site_src: Path) -> str:
    """The showcase pictures, the stepper and the film, written into site_src/showcase/; the page's Markdown."""
    sys.path.insert(0, str(ROOT))
    import nn
    from autograd import viz
    from tasks.graphs import write_showcase

    out = site_src / "showcase"
    write_showcase(out)
    x, y = _report_001_data()
    nn.manual_seed(0)
    model = nn.MLP([2, 12, 5], activation="softplus")
    opt = nn.optim.SGD(model.parameters(), lr=0.25)
    loss_fn = nn.CrossEntropyLoss()
    film = viz.TrainingFilm(model, every=20, inputs=x, targets=y, title="report 001's 2-12-5 network learning")
    for _ in range(1000):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        film.record(loss)
        opt.step()
    film.html(out / "film.html")
    size = (out / "film.html").stat().st_size
    return (
        "# Showcase\n\n"
        "The pictures the renderer makes, as a class sees them (`python -m tasks.graphs` writes them).\n\n"
        "## Report 000: x·m + b → ReLU → MSE\n\n![report 000's graph](showcase/relu_mse.svg)\n\n"
        "## Backpropagation, step by step\n\nClick the frame, then step with ← → or the buttons, play with space "
        "([open it alone](showcase/relu_mse_backward.html)).\n\n"
        '<iframe src="showcase/relu_mse_backward.html" style="width: 100%; height: 640px; border: 1px solid #cbd5e1; '
        'border-radius: 6px" title="the backward stepper"></iframe>\n\n'
        "## Report 001, Figure 1: the 2-12-5 network\n\n![report 001's network](showcase/network.svg)\n\n"
        f"## Watch it learn: the training film\n\nEvery 20 steps of 1,000 ({len(film)} frames, a "
        f"{size / 1e3:.0f} kB page; [open it alone](showcase/film.html)).\n\n"
        '<iframe src="showcase/film.html" style="width: 100%; height: 760px; border: 1px solid #cbd5e1; '
        'border-radius: 6px" title="the training film"></iframe>\n'
    )


def _report_001_data():
    from tasks.two_layer_softplus import make_data

    return make_data(400, 0)[:2]


def from_npm(spec: str, member: str, cache: Path, target: Path) -> bool:
    """Copy one file of an npm package (fetched once with `npm pack` into cache/) to target; False without npm."""
    bundle = cache / spec.replace("/", "_") / member.replace("/", "_")
    if not bundle.exists():
        npm = shutil.which("npm")
        if npm is None:
            print(f"docs: npm not found, so no {spec} (apt-get install npm)")
            return False
        bundle.parent.mkdir(parents=True, exist_ok=True)
        name = (
            subprocess.run(
                [npm, "pack", spec, "--silent"], cwd=bundle.parent, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        with tarfile.open(bundle.parent / name) as tar:
            bundle.write_bytes(tar.extractfile(tar.getmember(member)).read())
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundle, target)
    return True


MATHJAX_CONFIG = """window.MathJax = {
  tex: { inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]], processEscapes: true, tags: "ams" },
  options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" },
  svg: { fontCache: "global" }
};
"""


def mkdocs_yml(nav: list, math: bool, shim: bool) -> str:
    import json

    js = ["js/mathjax-config.js", "js/tex-svg.js"] if math else []
    config = {
        "site_name": "teachgrad: autodiff for the classroom",
        "site_description": "A teaching-grade reverse-mode autodiff engine: the reports, the notebooks, the API",
        "docs_dir": "docs",
        "site_dir": str(ROOT / "out" / "site"),
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.sections", "content.code.copy"],
            "palette": {"primary": "blue grey"},
        },
        "plugins": [
            "search",
            "offline",
            {
                "mkdocstrings": {
                    "handlers": {
                        "python": {
                            "paths": [str(ROOT)],
                            "options": {
                                "show_source": False,
                                "docstring_style": None,
                                "members_order": "source",
                                "show_root_heading": True,
                                "show_signature_annotations": True,
                                "separate_signature": True,
                                "filters": ["!^_"],
                                "heading_level": 2,
                            },
                        }
                    }
                }
            },
        ],
        "markdown_extensions": [
            "tables",
            "admonition",
            "attr_list",
            "md_in_html",
            "toc",
            {"pymdownx.arithmatex": {"generic": True}},
            "pymdownx.superfences",
            {"pymdownx.highlight": {"use_pygments": True}},
        ],
        "extra": {"polyfills": ["js/iframe-worker-shim.js"] if shim else []},
        "extra_javascript": js,
        "extra_css": ["css/wide.css"],
        "nav": nav,
        "exclude_docs": "*.ipynb\n*_files/*.txt\n",
    }
    return json.dumps(config, indent=1, ensure_ascii=False)  # YAML is a superset of JSON


def build(out_src: Path, skip_notebooks: bool = False) -> Path:
    """Lay out the pages in `out_src` and run MkDocs; return the site's folder."""
    if out_src.exists():
        shutil.rmtree(out_src)
    config = out_src / "mkdocs.yml"
    out_src = out_src / "docs"  # MkDocs wants the pages in a folder beside its config
    out_src.mkdir(parents=True)
    shutil.copytree(ROOT / "docs" / "img", out_src / "img")
    nav: list = []
    for slug, (title, md) in readme_pages((ROOT / "README.md").read_text(encoding="utf-8")).items():
        (out_src / f"{slug}.md").write_text(fix_links(md), encoding="utf-8")
        nav.append({title: f"{slug}.md"})
    (out_src / "showcase.md").write_text(showcase(out_src), encoding="utf-8")
    nav.insert(1, {"Showcase: graphs, stepper, film": "showcase.md"})
    if not skip_notebooks:
        pages = out_src / "notebooks"
        pages.mkdir()
        books = [
            (notebook_page(p, pages), p.stem)
            for p in execute_notebooks(ROOT / "notebooks", ROOT / "out" / "notebooks-run")
        ]
        nav.append({"Notebooks": [{t: f"notebooks/{stem}.md"} for t, stem in books]})
    api = out_src / "api"
    api.mkdir()
    for slug, (title, modules) in API.items():
        (api / f"{slug}.md").write_text(
            f"# {title}\n\n" + "\n\n".join(f"::: {m}" for m in modules) + "\n", encoding="utf-8"
        )
    nav.append({"API reference": [{t: f"api/{slug}.md"} for slug, (t, _) in API.items()]})
    cache = ROOT / "out" / ".cache"
    math = from_npm(MATHJAX, "package/es5/tex-svg.js", cache, out_src / "js" / "tex-svg.js")
    shim = from_npm(SHIM, "package/shim/index.js", cache, out_src / "js" / "iframe-worker-shim.js")
    if math:
        (out_src / "js" / "mathjax-config.js").write_text(MATHJAX_CONFIG, encoding="utf-8")
    (out_src / "css").mkdir()
    (out_src / "css" / "wide.css").write_text(".md-grid { max-width: 1440px; }  /* room for 1000-px pictures */\n")
    config.write_text(mkdocs_yml(nav, math, shim), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config)],
        check=True,
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    site = ROOT / "out" / "site"
    print(f"docs: the site is in {site}/ (open {site / 'index.html'} in a browser)")
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-notebooks", action="store_true", help="leave the notebooks out (a quick build)")
    args = parser.parse_args(argv)
    build(ROOT / "out" / "site-src", args.skip_notebooks)
    return 0


if __name__ == "__main__":
    sys.exit(main())

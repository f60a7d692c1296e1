"""The README's promises: its example prints what it says, and CI runs its test command."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def blocks(lang):
    """The fenced code blocks of the README written with language `lang` ("" for none)."""
    found = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
    return [body for tag, body in found if tag == lang]


def test_ten_line_example_prints_report_000_numbers():
    code = blocks("python")[0]
    expected = blocks("")[0] if blocks("") else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert "dL/db = 6.0  dL/dm = 12.0  dL/dx = 18.0" in out.getvalue()
    if expected:
        assert out.getvalue().strip() == expected.strip()


def test_ci_runs_the_readme_test_command():
    first = blocks("bash")[0]
    test_cmd = next(line.split("#")[0].strip() for line in first.splitlines() if "test" in line)
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmd in ci

"""The README's result tables are what the task commands printed: they are generated from docs/results/NAME.json.

Each docs/results file is a full default run's metrics.json, saved by
`python -m tasks.results run` with the command that produced it.  These tests
fail when the README's tables differ from what `tasks.results` writes from
those files (run `python -m tasks.results readme`), when a table or a result
is missing, and when a saved run's settings are not the ones its command gives
today (a default changed since: rerun `python -m tasks.results run NAME`).
"""

from __future__ import annotations

import argparse
import copy

import pytest

from tasks import next_word, results

README = results.README.read_text(encoding="utf-8")
SAVED = results.load()


def test_every_table_is_in_the_readme_once() -> None:
    found = results.blocks(README)
    assert sorted(found) == sorted(results.TABLES), "each results table must stand in README.md exactly once"


def test_readme_tables_match_the_committed_results() -> None:
    assert results.render(README, SAVED) == README, "README tables are stale: run `python -m tasks.results readme`"


def test_a_changed_number_is_caught() -> None:
    changed = copy.deepcopy(SAVED)
    changed["vaccine_tweets"]["macro_f1"] += 0.008  # the kind of drift issue 15 found (0.617 in the README, 0.609 run)
    assert results.render(README, changed) != README


@pytest.mark.parametrize("name", list(results.RUNS))
def test_each_result_came_from_its_command_with_todays_defaults(name: str) -> None:
    saved = SAVED[name]
    assert saved["command"] == results.command(name)
    expected = results.settings_of(name)
    if results.RUNS[name][0] == "next_word":  # next_word keeps its settings, after --report-setting, as "config"
        ns = argparse.Namespace(**expected)
        next_word.configure(ns)
        stored, expected = saved["config"], vars(ns)
    else:
        stored = saved.get("settings", {})
    ignore = {"out", "data_dir", "debug", "task_name"}
    differ = {
        k: (v, expected[k])
        for k, v in stored.items()
        if k not in ignore
        and k in expected
        and (list(expected[k]) if isinstance(expected[k], tuple) else expected[k]) != v
    }
    assert not differ, f"{name}: saved with other settings than `{results.command(name)}` gives today: {differ}"
    assert not saved.get("settings", {}).get("quick") and not saved.get("config", {}).get("quick")


def test_check_command_says_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert results.main(["readme", "--check"]) == 0
    assert "match" in capsys.readouterr().out

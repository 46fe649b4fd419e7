"""``labecon conventions``: a table of the route answer under the model's conventions, or a clear error."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labecon.cli import app

runner = CliRunner()


def test_conventions_prints_each_variant_and_where_the_answer_turns() -> None:
    result = runner.invoke(app, ["conventions", "route-choice", "--samples", "300", "--seed", "3"])
    assert result.exit_code == 0, result.output
    for words in (
        "route-choice: 300 samples per variant, seed 3",
        "as declared",
        "compute priced at signing",
        "chips for free space ordered a quarter ahead",
        "terminal value: book value",
        "is best under the conventions as declared",
    ):
        assert words in result.output, words
    said = " ".join(result.output.split())
    assert re.search(r"• Frontier lab: \w+ is best under the conventions as declared", said)  # its name
    # This seed has futures past the plausibility bounds: they are counted over every variant.
    assert "plausibility bounds" in result.output
    assert "summed over the variants" in result.output


def test_conventions_as_json_and_with_an_override() -> None:
    book = "finance.terminal_value_method=book"
    args = ["conventions", "route-choice", "-n", "200", "--set", book, "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    labels = [row["label"] for row in data["rows"]]
    assert "terminal value: an exit multiple" in labels  # the scenario's own setting is not a variant
    assert "terminal value: book value" not in labels
    assert set(data["rows"][0]["p_best"]["frontier_lab"]) == {"own", "partner", "lease", "hybrid"}
    assert data["names"] == {"lab": {"frontier_lab": "Frontier lab"}}


def test_conventions_are_saved_and_a_file_in_the_way_is_refused_before_running(tmp_path: Path) -> None:
    out = tmp_path / "checks"
    result = runner.invoke(app, ["conventions", "route-choice", "-n", "40", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Written to" in result.output
    assert json.loads((out / "conventions.json").read_text())["rows"][0]["label"] == "as declared"
    assert (out / "conventions.csv").read_text().startswith("variant,overrides,lab,lab_name,route,p_best,")
    # A folder holding a table of that name (from a spreadsheet, say) is refused, the file kept.
    other = tmp_path / "mine"
    other.mkdir()
    (other / "conventions.csv").write_text("my notes\n")
    refused = runner.invoke(app, ["conventions", "route-choice", "-n", "40", "--out", str(other)])
    assert refused.exit_code == 2
    assert "conventions.csv exists; choose another --out or pass --force" in " ".join(refused.output.split())
    assert "variant 1 of" not in refused.output  # refused before anything ran
    assert (other / "conventions.csv").read_text() == "my notes\n"
    assert not (other / "conventions.json").exists()


def test_conventions_of_a_scenario_without_routes_names_the_problem() -> None:
    result = runner.invoke(app, ["conventions", "b1", "-n", "100"])
    assert result.exit_code == 2
    assert "scenario: a route answer is a world scenario's" in result.output
    assert "Traceback" not in result.output
    bad = runner.invoke(app, ["conventions", "route-choice", "-n", "0"])
    assert bad.exit_code == 2
    assert "--samples" in bad.output


@pytest.mark.dask
@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs labecon[dask]")
def test_conventions_on_two_dask_workers_give_the_answer_of_one_process() -> None:
    args = ["conventions", "route-choice", "-n", "300", "--seed", "3", "--json"]
    here = runner.invoke(app, args)
    spread = runner.invoke(app, [*args, "--backend", "dask", "--workers", "2"])
    assert here.exit_code == spread.exit_code == 0, spread.output
    assert json.loads(spread.stdout) == json.loads(here.stdout)


def test_a_backend_not_known_is_refused_before_anything_runs() -> None:
    for command in (
        ["conventions", "route-choice"],
        ["deals", "route-choice"],
        ["compare", "b1", "--strategies", "rent,build"],
        ["sensitivity", "b1", "saving"],
        [
            "optimize",
            "b1",
            "--param",
            "strategies.build.headroom_frac=0:0.5",
            "--objective",
            "mean(pv_build)",
        ],
    ):
        bad = runner.invoke(app, [*command, "-n", "100", "--backend", "cloud"])
        assert bad.exit_code == 2
        assert "--backend" in bad.output
        assert "'cloud' is not one of: local, dask" in " ".join(bad.output.split())

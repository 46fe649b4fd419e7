"""Citations: every src:KEY a note gives is written out as its source's title and address."""

from __future__ import annotations

import labecon
from labecon.runtime.assumptions import inputs_table
from labecon.scenario.sources import REFERENCES, expand


def test_a_key_is_expanded_wherever_it_stands_and_an_unknown_one_stays() -> None:
    title = REFERENCES["openai_friar"]
    assert expand("src:openai_friar") == f"[{title}]"
    assert expand("~3x a year (src:openai_friar), slowing") == f"~3x a year ([{title}]), slowing"
    assert expand("see src:openai_friar; and src:nope.") == f"see [{title}]; and src:nope."
    assert expand("src:mine", {"mine": "My memo, 2026"}) == "[My memo, 2026]"


def test_the_inputs_table_writes_out_each_inputs_sources() -> None:
    scenario = labecon.load_scenario("route-choice")
    table = inputs_table(labecon.dump_scenario(scenario))
    cited = table.set_index("input")["source"]
    assert "src:" not in " ".join(cited), "every key the built-in cites is in the reference table"
    assert REFERENCES["openai_friar"] in cited["g_consumer"]


def test_a_list_written_at_its_keys_indent_is_read_under_that_key(tmp_path: object) -> None:
    # PyYAML writes a list at its key's indent ("key:" then "- item" below it, not further in):
    # each item's values are listed under the key, numbered, with their comments.
    from pathlib import Path

    import yaml

    data = yaml.safe_load(labecon.scenario_text("route-choice"))
    rows = [{"from_quarter": 12, "own_frac": 0.25, "partner_frac": 0.25}]
    data["labs"]["frontier_lab"]["strategy"]["route_changes"] = rows
    text = yaml.safe_dump(data, sort_keys=False)
    text = text.replace("own_frac: 0.25\n", "own_frac: 0.25  # from 2029\n", 1)
    assert "route_changes:\n      - from_quarter: 12" in text
    path = Path(str(tmp_path)) / "switching.yaml"
    path.write_text(text, encoding="utf-8")
    said = {s.path: s for s in labecon.scenario_sources(path)}
    row = "labs.frontier_lab.strategy.route_changes[0]"
    assert said[f"{row}.from_quarter"].value == "12"
    assert said[f"{row}.own_frac"].note == "from 2029"
    assert "labs.frontier_lab.strategy[0].from_quarter" not in said

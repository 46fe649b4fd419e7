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

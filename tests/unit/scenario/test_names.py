"""The names readers see for labs and clouds (``display_name``), and for routes and deals."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import labecon
from labecon.scenario.names import NO_NAMES, deal_parts, reader_names


def _raw(name: str = "two-strategies") -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(labecon.scenario_text(name))
    return raw


def test_labs_routes_and_deals_are_named_for_readers_and_keys_stay_keys() -> None:
    names = reader_names(labecon.load_scenario("two-strategies"))
    assert names.lab("lab_own") == "OpenAI-like lab"
    assert names.route("lab_partner:lease") == "Anthropic-like lab: lease"
    assert names.deal("aws_cloud:lab_own") == "AWS with OpenAI-like lab"
    # A later deal of the same pair keeps its signing quarter; an investor is its own name.
    assert names.deal("aws_cloud:lab_own (2027 Q1)") == "AWS with OpenAI-like lab (2027 Q1)"
    assert names.deal("Nvidia:lab_own") == "Nvidia with OpenAI-like lab"
    assert names.deal("aws_cloud:lab_own", joiner="\nwith ") == "AWS\nwith OpenAI-like lab"  # on two lines
    assert deal_parts("aws_cloud:lab_own (2027 Q1)") == ("aws_cloud", "lab_own", "(2027 Q1)")
    assert deal_parts("lab_own") is None
    # Whatever has no name is shown by its key; the fields as a dict give the same names.
    assert names.lab("someone_else") == "someone_else"
    assert reader_names(_raw()) == names
    assert reader_names(None) == NO_NAMES
    assert names.of("quarter", "3") == "3"
    coords = {"lab": ["lab_own"], "deal": ["Nvidia:lab_own"], "year": [2026]}
    assert names.for_coords(coords) == {
        "lab": {"lab_own": "OpenAI-like lab"},
        "route": {},
        "deal": {"Nvidia:lab_own": "Nvidia with OpenAI-like lab"},
    }


@pytest.mark.parametrize(
    ("edits", "problem", "path"),
    [
        ({"labs.lab_own": ""}, "at least 1 character", "labs.lab_own"),
        ({"labs.lab_own": "x" * 61}, "at most 60 characters", "labs.lab_own"),
        ({"clouds.aws_cloud": 3}, "must be text", "clouds.aws_cloud"),
        # Markup a terminal table, a chart or a page would read as markup is refused.
        ({"labs.lab_own": "[red]OpenAI"}, r"only; got \[ \]", "labs.lab_own"),
        ({"clouds.oracle": "<b>Oracle</b>"}, "only; got < >", "clouds.oracle"),
        ({"labs.lab_partner": "openai-like LAB"}, "already the name of labs 'lab_own'", "labs.lab_partner"),
        # A cloud without a name is shown by its key, which another cloud's name may take.
        (
            {"clouds.oracle": "coreweave", "clouds.coreweave": None},
            "already the name of clouds 'oracle'",
            "clouds.coreweave",
        ),
    ],
)
def test_a_bad_display_name_names_its_field(edits: dict[str, object], problem: str, path: str) -> None:
    raw = _raw()
    for where, value in edits.items():
        section, key = where.split(".")
        raw[section][key]["display_name"] = value
    with pytest.raises(labecon.ScenarioError, match=problem) as caught:
        labecon.load_scenario(raw)
    assert caught.value.path == f"{path}.display_name"


def test_a_name_in_plain_words_with_punctuation_and_accents_is_kept() -> None:
    raw = _raw("route-choice")
    raw["labs"]["frontier_lab"]["display_name"] = "  Über-Lab (A&B), Paris/London  "
    assert labecon.load_scenario(raw).labs["frontier_lab"].display_name == "Über-Lab (A&B), Paris/London"

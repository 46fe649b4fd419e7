"""Scenarios routes, and bad input of every kind: 4xx naming the field, never a 500 or a file read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr
from tests.web.conftest import assert_answered, assert_names_field, make_client

import labecon


def test_list_and_show_builtin_scenarios(client: Any) -> None:
    listed = client.get("/api/scenarios").json()
    assert [s["name"] for s in listed] == labecon.list_scenarios()
    shown = client.get("/api/scenarios/two-strategies").json()
    assert shown["yaml"] == labecon.scenario_text("two-strategies")
    g_api = next(i for i in shown["inputs"] if i["name"] == "g_api")
    assert g_api["dist"] == "lognormal"
    assert g_api["params"] == {"ci90": [0.5, 2.0]}
    assert g_api["units"] == "fraction per year"
    assert g_api["source"]
    own = next(p for p in shown["parameters"] if p["path"] == "labs.lab_own.strategy.own_frac")
    assert (own["minimum"], own["maximum"], own["group"]) == (0, 1, "strategy")
    assert "Stargate" in own["source"]
    # The builders' limit on leases decides the partner-route lab's answer: shown beside the model's choices.
    limit = next(p for p in shown["parameters"] if p["path"] == "labs.lab_partner.lease.capacity_limit_mw")
    assert (limit["value"], limit["group"]) == (2295, "assumption")
    assert "River Bend" in limit["source"]
    # Whose each number is, by the name readers know it by; the world's own numbers are no one's.
    assert (own["who"], limit["who"]) == ("OpenAI-like lab", "Anthropic-like lab")
    whose = {p["path"].split(".")[0]: p["who"] for p in shown["parameters"]}
    clouds = {"Other clouds", "Google Cloud", "AWS", "Microsoft Azure", "Oracle", "CoreWeave"}
    assert whose["clouds"] in clouds
    assert whose["finance"] == ""
    priced = next(c for c in shown["choices"] if c["path"] == "finance.compute_priced_at")
    assert (priced["value"], priced["options"]) == ("delivery", ["delivery", "signing"])
    ahead = next(c for c in shown["choices"] if c["path"] == "finance.chip_lead_quarters")
    assert (ahead["value"], ahead["options"]) == (None, [None, 1, 2, 4])
    assert ahead["labels"][0] == "with their data centre"
    mine = labecon.with_overrides("two-strategies", {"finance.chip_lead_quarters": 3}).model_dump(mode="json")
    posted = client.post("/api/scenarios/describe", json={"scenario": mine}).json()["choices"]
    assert next(c for c in posted if c["path"] == "finance.chip_lead_quarters")["options"][-1] == 3
    assert priced["description"]
    assert priced["source"]
    assert priced["labels"] == ["at delivery", "at signing"]
    refill = next(c for c in shown["choices"] if c["path"] == "finance.owned_refill")
    assert (refill["value"], refill["options"]) == ("plan", ["plan", "hall"])
    assert refill["labels"] == ["as the lab's plan asks", "whatever the plan: kept full"]
    leased = next(c for c in shown["choices"] if c["path"] == "finance.lease_refill")
    assert (leased["value"], leased["options"]) == ("plan", ["plan", "hall"])
    stake = next(c for c in shown["choices"] if c["path"] == "finance.stake_valued_at")
    assert (stake["value"], stake["options"]) == ("last_round", ["last_round", "horizon"])
    assert client.get("/api/scenarios/b1").json()["choices"] == []  # a compute scenario has none
    assert_names_field(client.get("/api/scenarios/nope"), 404, "name")


def test_every_choice_offers_each_of_its_names_in_plain_words(client: Any) -> None:
    from typing import Literal, get_args, get_origin

    from labecon.scenario.world import FinanceSpec

    for choice in client.get("/api/scenarios/two-strategies").json()["choices"]:
        annotation = FinanceSpec.model_fields[choice["path"].split(".")[1]].annotation
        if get_origin(annotation) is Literal:  # a list of names: every one is offered
            assert set(get_args(annotation)) <= set(choice["options"]), choice["path"]
        assert all(label and "_" not in label for label in choice["labels"]), choice["labels"]


def test_describe_a_posted_scenario_with_overrides(client: Any) -> None:
    body = {"scenario": "b1", "overrides": {"inputs.g.ci90": [0.2, 1.0]}}
    shown = client.post("/api/scenarios/describe", json=body).json()
    assert next(i for i in shown["inputs"] if i["name"] == "g")["params"] == {"ci90": [0.2, 1.0]}
    assert "0.2" in shown["yaml"]
    reloaded = labecon.load_scenario(yaml.safe_load(shown["yaml"]))
    assert list(reloaded.inputs["g"].ci90) == [0.2, 1.0]  # type: ignore[union-attr]


def test_a_scenarios_yaml_with_overrides_without_its_description(client: Any) -> None:
    plain = client.post("/api/scenarios/yaml", json={"scenario": "b1"})
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("application/x-yaml")
    assert plain.text == labecon.scenario_text("b1")  # a built-in keeps its comments
    body = {"scenario": "b1", "overrides": {"inputs.g.ci90": [0.2, 1.0], "run.seed": 9}}
    changed = labecon.load_scenario(yaml.safe_load(client.post("/api/scenarios/yaml", json=body).text))
    assert list(changed.inputs["g"].ci90) == [0.2, 1.0]  # type: ignore[union-attr]
    assert changed.run.seed == 9
    as_yaml = {"content-type": "application/x-yaml"}
    raw = client.post("/api/scenarios/yaml", content=plain.text, headers=as_yaml)
    assert labecon.load_scenario(yaml.safe_load(raw.text)) == labecon.load_scenario("b1")


def test_a_scenarios_yaml_refuses_a_bad_override_naming_it(client: Any) -> None:
    body = {"scenario": "b1", "overrides": {"run.seed": "soon"}}
    assert_names_field(client.post("/api/scenarios/yaml", json=body), 422, "run.seed")
    assert_names_field(client.post("/api/scenarios/yaml", json={"scenario": "../etc/passwd"}), 422)


def test_openapi_documents_every_route(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/scenarios", "/api/scenarios/{name}", "/api/runs", "/api/runs/{run_id}"):
        assert path in spec["paths"], path
    body = spec["paths"]["/api/runs"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/x-yaml"}
    assert "n_samples" in body["application/json"]["schema"]["properties"]
    assert client.get("/docs").status_code == 200
    config = client.get("/api/config").json()
    assert config["preview_samples"] == 10_000
    assert config["immediate_max_samples"] == 5_000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "b1", "n_samples": 0}, "n_samples"),
        ({"scenario": "b1", "n_samples": "10"}, "n_samples"),
        ({"scenario": "b1", "seed": -1}, "seed"),
        ({"scenario": "b1", "seed": 2**64}, "seed"),
        ({"scenario": "b1", "overrides": {"inputs.nope.low": 1}}, "inputs.nope"),
        (
            {"scenario": "b1", "overrides": {"strategies.build.headroom_frac": -3}},
            "strategies.build.headroom_frac",
        ),
        ({"scenario": "b1", "overrides": ["x"]}, "overrides"),
        ({"scenario": 7}, "scenario"),
        ({"scenario": "b1", "colour": "red"}, "colour"),
        ({}, "scenario"),
    ],
)
def test_bad_fields_are_named(client: Any, body: dict[str, Any], field: str) -> None:
    assert_names_field(client.post("/api/runs", json=body), 422, field)


def test_a_whole_number_too_large_for_a_float_is_named(client: Any) -> None:
    path = "risks.demand_slump.probability"
    huge = {"scenario": "two-strategies", "n_samples": 50, "overrides": {path: 10**400}}
    for route in ("/api/runs", "/api/scenarios/describe"):
        body = huge if route == "/api/runs" else {k: huge[k] for k in ("scenario", "overrides")}
        detail = assert_names_field(client.post(route, json=body), 422, path)
        assert "finite number" in detail["message"]
    text = labecon.scenario_text("b1").replace("horizon_quarters: 40", "horizon_quarters: " + "9" * 400)
    assert "9" * 400 in text
    response = client.post("/api/runs", content=text, headers={"content-type": "application/x-yaml"})
    assert_names_field(response, 422, "horizon_quarters")
    listed = {"scenario": "two-strategies", "overrides": {"inputs.g_api.ci90": [1, -(10**400)]}}
    assert_names_field(client.post("/api/runs", json=listed), 422, "inputs.g_api.ci90[1]")


@pytest.mark.parametrize(
    "scenario",
    [
        "/etc/passwd",
        "../../../../etc/passwd",
        "~/.ssh/id_rsa",
        "file:///etc/passwd",
        "src/labecon/scenario/builtin/b1.yaml",
    ],
)
def test_a_path_is_never_read(client: Any, scenario: str) -> None:
    detail = assert_names_field(client.post("/api/runs", json={"scenario": scenario}), 422, "scenario")
    assert "root:" not in detail["message"]


def test_builtin_file_path_is_not_a_scenario_even_if_it_exists(client: Any) -> None:
    path = Path(labecon.__file__).parent / "scenario" / "builtin" / "b1.yaml"
    assert path.is_file()
    assert_names_field(client.post("/api/runs", json={"scenario": str(path)}), 422, "scenario")


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo owned']",
        "name: x\nrun: !!python/object:os.system {}\n",
        "a: &a [1, 2]\nb: [*a, *a]\n",
        "name: [unclosed\n",
        "- just\n- a list\n",
    ],
)
def test_unsafe_or_malformed_yaml_is_refused(client: Any, text: str) -> None:
    for response in (
        client.post("/api/runs", json={"scenario": text}),
        client.post("/api/runs", content=text, headers={"content-type": "application/x-yaml"}),
    ):
        assert_names_field(response, 422, "scenario")


@pytest.mark.parametrize(
    ("content", "ctype", "status", "field"),
    [
        (b"{not json", "application/json", 422, "body"),
        (b"", "application/json", 422, "body"),
        (b"[1, 2]", "application/json", 422, "body"),
        (b"\xff\xfe", "application/json", 422, "body"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "body"),
        (b"scenario=b1", "application/x-www-form-urlencoded", 415, "content-type"),
    ],
)
def test_malformed_bodies(client: Any, content: bytes, ctype: str, status: int, field: str) -> None:
    assert_names_field(
        client.post("/api/runs", content=content, headers={"content-type": ctype}), status, field
    )


def test_raw_yaml_with_bad_query_option(client: Any) -> None:
    response = client.post(
        "/api/runs?n_samples=many", content=labecon.scenario_text("b1"), headers={"content-type": "text/yaml"}
    )
    assert_names_field(response, 422, "n_samples")


def test_an_option_the_request_would_ignore_is_named(client: Any) -> None:
    text = labecon.scenario_text("b1")
    yaml_body = {"content": text, "headers": {"content-type": "application/x-yaml"}}
    detail = assert_names_field(client.post("/api/runs?n_samples=300&sample=5", **yaml_body), 422, "sample")
    assert "n_samples and seed" in detail["message"]
    assert_names_field(client.post("/api/scenarios/describe?seed=1", **yaml_body), 422, "seed")
    body = {"scenario": "b1"}
    detail = assert_names_field(client.post("/api/runs?n_samples=300", json=body), 422, "n_samples")
    assert "JSON body" in detail["message"]
    assert_names_field(client.post("/api/scenarios/yaml?seed=2", json=body), 422, "seed")


def test_a_number_with_too_many_digits_is_said_plainly(client: Any) -> None:
    content = b'{"scenario": "b1", "n_samples": ' + b"9" * 5000 + b"}"
    response = client.post("/api/runs", content=content, headers={"content-type": "application/json"})
    detail = assert_names_field(response, 422, "body")
    assert detail["message"] == "a number in the body has too many digits"


def test_unknown_routes_and_runs(client: Any) -> None:
    assert_names_field(client.get("/api/nothing-here"), 404, "path")
    assert_names_field(client.get("/api/runs/unknown-run"), 404, "run_id")
    assert_names_field(client.get("/api/runs/..%2F..%2Fetc"), 404)
    assert_names_field(client.get("/static/..%2Fapp.py"), 404)


# Bodies built from the request's own vocabulary, with wrong types and values mixed in.
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
_paths = st.sampled_from(
    [
        "inputs.g.ci90",
        "inputs.g",
        "strategies.build.headroom_frac",
        "compute.pue",
        "run.seed",
        "x.y",
        "",
        "a..b",
    ]
)
_bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "scenario": st.sampled_from(["b1", "nope", "name: x", ""]) | _values,
            "overrides": st.dictionaries(_paths, _values, max_size=3) | _values,
            "n_samples": st.integers(-5, 400) | _values,
            "seed": st.integers(-5, 2**64) | _values,
        },
    )
    | _values
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies)
def test_fuzzed_bodies_never_give_a_500(store: Path, body: Any) -> None:
    # A small sample cap keeps every accepted body quick (and no job starts).
    client = make_client(store, max_samples=400, immediate_max_samples=400)
    response = client.post(
        "/api/runs", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert_answered(response, (200, 413, 422, 429))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies)
def test_fuzzed_bodies_for_a_scenarios_yaml_never_give_a_500(store: Path, body: Any) -> None:
    client = make_client(store)
    response = client.post(
        "/api/scenarios/yaml", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert_answered(response, (200, 422))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=200)
    | st.sampled_from(["a: *x", "!!binary x", "a: !!float nope", "? [1]\n: 2", "{"])
)
def test_fuzzed_yaml_bodies_never_give_a_500(store: Path, text: str) -> None:
    client = make_client(store, max_samples=400, immediate_max_samples=400)
    response = client.post("/api/runs", content=text.encode(), headers={"content-type": "application/x-yaml"})
    assert_answered(response, (413, 422))


def test_the_inputs_that_matter_most_come_first(client: Any) -> None:
    shown = client.get("/api/scenarios/route-choice").json()
    influence = [i["influence"] for i in shown["inputs"]]
    assert influence == sorted(influence, reverse=True)
    assert all(0.0 <= x <= 1.0 for x in influence)
    # The ranking is the measured one: each input's largest rank correlation with a route's gain,
    # as SciPy's spearmanr gives it.
    res = labecon.simulate("route-choice", n_samples=2000)
    gains = res.dataset["route_gain_usd"].to_numpy()
    measured = {}
    for name in res.dataset["input"].to_numpy():
        x = res.dataset["input_value"].sel(input=name).to_numpy()
        rhos = [abs(spearmanr(x, g).statistic) for g in gains.T if np.ptp(g) > 0 and np.ptp(x) > 0]
        measured[str(name)] = max(rhos, default=0.0)
    uncertain = [i for i in shown["inputs"] if i["name"] in measured]
    expected = [measured[i["name"]] for i in uncertain]
    assert [i["influence"] for i in uncertain] == pytest.approx(expected, rel=1e-9)
    assert [i["name"] for i in uncertain] == sorted(measured, key=lambda n: -measured[n])


@pytest.mark.parametrize("scenario", [7, [1], None, True])
def test_a_scenario_of_neither_form_is_told_both_forms(client: Any, scenario: Any) -> None:
    for path in ("/api/runs", "/api/scenarios/describe"):
        detail = assert_names_field(client.post(path, json={"scenario": scenario}), 422, "scenario")
        assert "a built-in's name, YAML text or a JSON object" in detail["message"]

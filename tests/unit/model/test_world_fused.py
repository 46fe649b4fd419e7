"""The world's compiled stages give the NumPy path's bits (``LABECON_PLAIN``, :data:`COMPILED`)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import labecon
from labecon.model import _finance_fused, _world_fused, finance

N = 300


def _run(name: str, *, compiled: bool, monkeypatch: pytest.MonkeyPatch) -> labecon.Results:
    monkeypatch.setattr(_world_fused, "COMPILED", compiled)
    return labecon.simulate(name, n_samples=N, seed=3, keep_paths=True)


@pytest.mark.parametrize("name", ["two-strategies", "route-choice", "backtest-2023"])
def test_compiled_stages_give_the_plain_paths_bits(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _run(name, compiled=False, monkeypatch=monkeypatch)
    fused = _run(name, compiled=True, monkeypatch=monkeypatch)
    assert set(plain.dataset.data_vars) == set(fused.dataset.data_vars)
    for var in plain.dataset.data_vars:
        a, b = plain.dataset[var].to_numpy(), fused.dataset[var].to_numpy()
        # Bit for bit, the sign of a zero included (array_equal would call -0.0 and 0.0 equal).
        assert a.tobytes() == b.tobytes(), var


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("name", ["two-strategies", "route-choice"])
def test_compiled_stages_give_the_plain_paths_bits_with_one_or_two_samples(
    name: str, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With one sample every (sample, lab) array is also C-ordered: the kernels' columns of it.
    runs = []
    for compiled in (False, True):
        monkeypatch.setattr(_world_fused, "COMPILED", compiled)
        runs.append(labecon.simulate(name, n_samples=n, seed=5, keep_paths=True).dataset)
    plain, fused = runs
    for var in plain.data_vars:
        assert plain[var].to_numpy().tobytes() == fused[var].to_numpy().tobytes(), var


def test_compiled_stages_give_the_plain_paths_bits_with_every_risk_in_every_future(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Shortages, cuts, price rises and delays overlapping: the deals' and capacity's kernels' branches.
    base = labecon.load_scenario("two-strategies")
    sc = labecon.with_overrides(base, {f"risks.{name}.probability": 1.0 for name, _ in base.risks})
    _assert_both_paths_agree(sc, monkeypatch)


def test_compiled_stages_give_the_plain_paths_bits_with_commitments_starting_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Different leads per lab: the commitments' own plan horizon and per-lab booking.
    sc = labecon.with_overrides(
        "two-strategies",
        {
            "labs.lab_own.strategy.commit_lead_quarters": 3,
            "labs.lab_partner.strategy.commit_lead_quarters": 2,
        },
    )
    _assert_both_paths_agree(sc, monkeypatch)


def test_compiled_stages_give_the_plain_paths_bits_with_halls_closing_early(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The opening halls close in 2 to 8 quarters, with chips in them: the space ordered for them.
    sc = labecon.with_overrides(
        "two-strategies",
        {
            "finance.dc_life_quarters": 16,
            "labs.lab_own.owned_book_frac": 0.3,
            "finance.dc_refit_usd_per_mw": 8.0e6,  # and space reused at a cost
        },
    )
    _assert_both_paths_agree(sc, monkeypatch)


def test_compiled_stages_give_the_plain_paths_bits_with_chips_ordered_a_chip_lead_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chips for free space ordered two quarters ahead, halls for the rest; delays lengthen the lead.
    sc = labecon.with_overrides(
        "two-strategies",
        {
            "finance.chip_lead_quarters": 2,
            "finance.chip_life_quarters": 8,
            "finance.dc_refit_usd_per_mw": 8.0e6,
            "risks.construction_delay.probability": 0.5,
            "risks.chip_shortage.probability": 0.5,
        },
    )
    _assert_both_paths_agree(sc, monkeypatch)


@pytest.mark.parametrize(
    "changes",
    [
        {"finance.owned_refill": "hall"},  # at least what fits in free space, whatever the plan
        {"finance.owned_refill": "hall", "finance.chip_lead_quarters": 2},  # all of it, a chip lead ahead
        {"finance.lease_refill": "hall"},  # every renewal fills its hall
        {"finance.lease_refill": "plan"},  # renewals as the plan asks
    ],
    ids=["owned-kept-full", "owned-kept-full-chips-ahead", "leased-kept-full", "leased-as-planned"],
)
def test_compiled_stages_give_the_plain_paths_bits_under_each_refill_rule(
    changes: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chips retire after 8 quarters, so halls get new chips more than once.
    sc = labecon.with_overrides("two-strategies", {**changes, "finance.chip_life_quarters": 8})
    _assert_both_paths_agree(sc, monkeypatch)


def test_compiled_stages_give_the_plain_paths_bits_when_a_shortage_rations_everyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # finance.shortage_rations: everyone cuts own orders, leases and renewals while a shortage lasts.
    changes = {
        "finance.shortage_rations": "everyone",
        "finance.chip_life_quarters": 8,
        "risks.chip_shortage.probability": 0.7,
        "risks.chip_shortage.duration_quarters": 8,
    }
    _assert_both_paths_agree(labecon.with_overrides("two-strategies", changes), monkeypatch)


def _assert_both_paths_agree(sc: labecon.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``sc`` plain and compiled (200 samples, paths kept); assert every output's bits agree."""
    runs = []
    for compiled in (False, True):
        monkeypatch.setattr(_world_fused, "COMPILED", compiled)
        runs.append(labecon.simulate(sc, n_samples=200, seed=5, keep_paths=True).dataset)
    plain, fused = runs
    for var in plain.data_vars:
        assert plain[var].to_numpy().tobytes() == fused[var].to_numpy().tobytes(), var


def _same_bits(a: float, b: float) -> bool:
    return np.float64(a).tobytes() == np.float64(b).tobytes() or (np.isnan(a) and np.isnan(b))


@pytest.mark.parametrize(("lo", "hi"), [(-1.0, 1.0), (0.0, 2.0), (-0.0, 0.0)])
def test_scalar_helpers_follow_numpy_to_the_sign_of_zero(lo: float, hi: float) -> None:
    values = np.array([-3.0, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 7.0, np.nan])
    many = np.ones(17)  # long enough for NumPy's SIMD loops
    for x in values:
        assert _same_bits(_world_fused.clip(x, lo, hi), np.clip(x * many, lo, hi)[0])
        for y in values:
            assert _same_bits(_world_fused.maximum(x, y), np.maximum(x * many, y * many)[0])
            assert _same_bits(_world_fused.minimum(x, y), np.minimum(x * many, y * many)[0])
            assert _same_bits(_world_fused.maximum(x, y), np.maximum(x, y))


def test_stakes_diluted_in_the_kernel_are_numpys_bits_at_every_edge() -> None:
    values = np.array([-2.0, -1.0, -0.0, 0.0, 0.5, 1.0, 3.0, np.inf, np.nan])
    raised, pre = (
        np.asfortranarray(np.array(np.meshgrid(values, values)).reshape(2, -1).T[:, [k]]) for k in (0, 1)
    )
    stake = np.asfortranarray(np.full((raised.shape[0], 2), 0.25))
    out = np.empty(stake.shape, order="F")
    _finance_fused.dilute_stakes(stake, raised, pre, np.zeros(2, dtype=np.int64), out)
    with np.errstate(invalid="ignore"):  # inf / inf, where NumPy's path computes and drops it
        expected = stake * (1.0 - finance.dilution_frac(raised, pre))[:, [0, 0]]
    np.testing.assert_array_equal(out.view(np.int64), expected.view(np.int64))  # bit for bit


def test_labecon_plain_selects_the_numpy_path() -> None:
    code = "from labecon.model import _world_fused; print(_world_fused.COMPILED)"
    for value, expected in (("1", "False"), ("", "True")):
        env = {**os.environ, "LABECON_PLAIN": value}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected


@pytest.mark.parametrize("shape", [(5, 2), (5, 1), (1, 3), (5, 2, 4), (5, 1, 4)])
def test_a_kernels_column_is_a_view_of_the_array_it_is_taken_from(shape: tuple[int, ...]) -> None:
    # What a kernel writes into a lab's column lands in the array, whatever its layout says.
    x = np.asfortranarray(np.arange(float(np.prod(shape))).reshape(shape))
    expected = x.copy()
    j, k = shape[1] - 1, (shape[2] - 1 if len(shape) == 3 else 0)
    if len(shape) == 3:
        expected[:, j, k] = -expected[:, j, k]
    else:
        expected[:, j] = -expected[:, j]
    _negate_column(x, j, k)
    assert x.tobytes() == expected.tobytes()


@_world_fused._jit
def _negate_column(x: np.ndarray, j: int, k: int) -> None:
    c = _world_fused.column(x, j, k)
    for i in range(c.shape[0]):
        c[i] = -c[i]


def test_a_runs_engine_chooses_the_worlds_path_and_the_manifest_says_which(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from labecon.model import market

    calls: list[int] = []
    compiled_stage = market._market_and_serve_compiled

    def counted(*args: object) -> object:
        calls.append(1)
        return compiled_stage(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(market, "_market_and_serve_compiled", counted)
    runs = {}
    for engine in ("numpy", "numba"):
        calls.clear()
        runs[engine] = labecon.simulate("route-choice", n_samples=40, seed=4, engine=engine)
        assert runs[engine].manifest["engine"] == engine
        # The NumPy path never calls a compiled stage; the compiled one does, every quarter of every route.
        assert (len(calls) > 0) is (engine == "numba")
    plain, fused = runs["numpy"].dataset, runs["numba"].dataset
    for var in plain.data_vars:
        assert plain[var].to_numpy().tobytes() == fused[var].to_numpy().tobytes(), var
    assert _world_fused.compiled() is _world_fused.COMPILED  # the choice ends with the run


def test_labecon_plain_makes_auto_the_numpy_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from labecon.runtime.run import resolve_engine

    monkeypatch.setattr(_world_fused, "COMPILED", False)
    assert resolve_engine("auto") == "numpy"
    assert resolve_engine("numba") == "numba"  # asked for by name: compiled all the same
    monkeypatch.setattr(_world_fused, "COMPILED", True)
    assert resolve_engine("auto") == "numba"

"""The history file shipped with labecon, and clear errors for malformed ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import labecon
from labecon.analysis.history import COLUMNS, METRICS, load_history

HEADER = ",".join(COLUMNS)
GOOD = 'lab_own,compute_gw,2024-12-31,0.6,"A source, https://example.org/a",B'


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shipped_history_covers_both_labs_and_metrics_from_2023_with_sources() -> None:
    rows = load_history()
    assert {r.lab for r in rows} == {"lab_own", "lab_partner"}
    assert {r.metric for r in rows} == set(METRICS)
    for lab in ("lab_own", "lab_partner"):
        assert min(r.date for r in rows if r.lab == lab) <= dt.date(2023, 12, 31)
    for r in rows:
        assert "https://" in r.source, r
        assert r.reliability in ("A", "B", "C"), r


def test_a_good_file_loads(tmp_path: Path) -> None:
    (obs,) = load_history(_write(tmp_path, HEADER, GOOD))
    assert (obs.lab, obs.metric, obs.date, obs.value, obs.row) == (
        "lab_own",
        "compute_gw",
        dt.date(2024, 12, 31),
        0.6,
        2,
    )
    assert obs.source == "A source, https://example.org/a"


def test_columns_may_come_in_any_order_with_extra_ones(tmp_path: Path) -> None:
    header = "note,value,date,metric,lab,reliability,source"
    path = _write(tmp_path, header, "x,2,2025-01-01,compute_gw,lab_own,C,s")
    assert load_history(path)[0].value == 2.0


def test_scenario_labs_are_allowed_besides_the_known_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, "my_lab,compute_gw,2025-01-01,1,s,A")
    assert load_history(path, labs=["my_lab"])[0].lab == "my_lab"


@pytest.mark.parametrize(
    ("line", "where", "words"),
    [
        ("lab_x,compute_gw,2024-12-31,1,s,B", "row 3, column 'lab'", "unknown lab 'lab_x'"),
        ("lab_own,gpus,2024-12-31,1,s,B", "row 3, column 'metric'", "unknown metric 'gpus'"),
        ("lab_own,compute_gw,31/12/2024,1,s,B", "row 3, column 'date'", "'31/12/2024'"),
        ("lab_own,compute_gw,2024-02-30,1,s,B", "row 3, column 'date'", "YYYY-MM-DD"),
        ("lab_own,compute_gw,2024-12-31,lots,s,B", "row 3, column 'value'", "'lots' is not a number"),
        ("lab_own,compute_gw,2024-12-31,-1,s,B", "row 3, column 'value'", ">= 0"),
        ("lab_own,compute_gw,2024-12-31,nan,s,B", "row 3, column 'value'", "finite"),
        ("lab_own,compute_gw,2024-12-31,1,,B", "row 3, column 'source'", "empty"),
        ("lab_own,compute_gw,2024-12-31,1,s,D", "row 3, column 'reliability'", "'D'"),
        ("lab_own,compute_gw,2024-12-31,1,s", "row 3", "5 fields, the header has 6"),
    ],
)
def test_a_malformed_row_gives_one_error_naming_row_and_column(
    tmp_path: Path, line: str, where: str, words: str
) -> None:
    path = _write(tmp_path, HEADER, GOOD, line)
    with pytest.raises(labecon.HistoryError) as info:
        load_history(path)
    assert f"history.csv, {where}" in str(info.value)
    assert words in str(info.value)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "lab,metric,date,source,reliability", "lab_own,compute_gw,2024-12-31,s,B")
    with pytest.raises(labecon.HistoryError, match=r"row 1: missing column\(s\) 'value'"):
        load_history(path)


def test_an_empty_or_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(labecon.HistoryError, match="empty"):
        load_history(_write(tmp_path, ""))
    with pytest.raises(labecon.HistoryError, match="cannot read history file"):
        load_history(tmp_path / "nope.csv")


def test_a_quoted_line_break_stays_in_its_row_and_rows_count_records(tmp_path: Path) -> None:
    multiline = 'lab_own,compute_gw,2024-12-31,0.6,"A title,\nhttps://example.org",B'
    path = _write(tmp_path, HEADER, multiline, GOOD)
    first, second = load_history(path)
    assert first.source == "A title,\nhttps://example.org"
    assert second.row == 3


def test_a_history_with_only_a_header_cannot_be_scored(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER)
    assert load_history(path) == []
    with pytest.raises(labecon.HistoryError, match="no observations"):
        labecon.backtest("backtest-2023", path, n_samples=10, seed=1)

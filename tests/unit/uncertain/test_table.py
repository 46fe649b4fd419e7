"""read_input_table: strict CSV / Parquet reading with messages naming column and row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from labecon.errors import InputTableError
from labecon.uncertain.table import read_input_table

RNG = np.random.default_rng(0)
DATA = {"g": RNG.lognormal(size=50), "k": np.arange(50.0) % 5 + 2, "d": RNG.uniform(size=50)}


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "draws.csv"
    lines = ["g,k,d"] + [
        f"{float(g)!r},{int(k)},{float(d)!r}" for g, k, d in zip(*DATA.values(), strict=True)
    ]
    _write_csv(path, "\n".join(lines) + "\n")
    out = read_input_table(path, ["d", "g", "k"])
    assert list(out) == ["d", "g", "k"]
    for name, values in DATA.items():
        assert out[name].dtype == np.float64
        assert np.array_equal(out[name], values)


def test_csv_with_spaces_bom_and_str_path(tmp_path: Path) -> None:
    path = tmp_path / "draws.CSV"
    path.write_bytes("\ufeffa, b\n1, 2.5\n3, -4e-3\n".encode())
    out = read_input_table(str(path), ["a", "b"])
    assert out["a"].tolist() == [1.0, 3.0]
    assert out["b"].tolist() == [2.5, -0.004]


@pytest.mark.parametrize("suffix", [".parquet", ".pq"])
def test_parquet_round_trip(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"draws{suffix}"
    table = pa.table({"g": DATA["g"], "k": DATA["k"].astype(np.int32), "d": DATA["d"]})
    pq.write_table(table, path)
    out = read_input_table(path, ["g", "k", "d"])
    for name, values in DATA.items():
        assert np.array_equal(out[name], values)
        assert out[name].dtype == np.float64


def test_missing_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "g,k\n1,2\n")
    with pytest.raises(
        InputTableError, match="missing column 'd'; expected exactly the columns 'g', 'k', 'd'"
    ):
        read_input_table(path, ["g", "k", "d"])


def test_extra_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "g,k,dd\n1,2,3\n")
    with pytest.raises(InputTableError, match="unexpected column 'dd' \\(a typo\\?\\)"):
        read_input_table(path, ["g", "k"])


def test_duplicate_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "g,g\n1,2\n")
    with pytest.raises(InputTableError, match="'g' appears more than once"):
        read_input_table(path, ["g"])


def test_non_numeric_value_names_column_and_row(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "g,k\n1,2\n3,x\n5,6\n")
    with pytest.raises(InputTableError, match="column 'k' must hold numbers, but row 2 holds 'x'"):
        read_input_table(path, ["g", "k"])


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("", "an empty cell"), ("nan", "an empty cell"), ("inf", "inf"), ("-1e400", "-inf")],
)
def test_non_finite_value(tmp_path: Path, cell: str, shown: str) -> None:
    path = _write_csv(tmp_path / "t.csv", f"g,k\n1,2\n3,4\n{cell},6\n")
    with pytest.raises(
        InputTableError, match=f"column 'g' must hold finite numbers, but row 3 holds {shown}"
    ):
        read_input_table(path, ["g", "k"])


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    with pytest.raises(InputTableError, match="the file is empty"):
        read_input_table(_write_csv(tmp_path / "empty.csv", ""), ["g"])
    with pytest.raises(InputTableError, match="no rows"):
        read_input_table(_write_csv(tmp_path / "header.csv", "g,k\n"), ["g", "k"])
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"g": pa.array([], pa.float64())}), path)
    with pytest.raises(InputTableError, match="no rows"):
        read_input_table(path, ["g"])


def test_missing_file_directory_and_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputTableError, match="no such file"):
        read_input_table(tmp_path / "absent.csv", ["g"])
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(InputTableError, match="is not a file"):
        read_input_table(folder, ["g"])
    with pytest.raises(InputTableError, match=r"unsupported file type \('\.xlsx'\)"):
        read_input_table(tmp_path / "t.xlsx", ["g"])
    with pytest.raises(InputTableError, match="no ending"):
        read_input_table(tmp_path / "table", ["g"])


def test_csv_booleans_are_not_numbers(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "g\nTrue\nFalse\n")
    with pytest.raises(InputTableError, match="column 'g' must hold numbers, but row 1 holds True"):
        read_input_table(path, ["g"])


def test_parquet_non_numeric_and_null(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"g": ["1", "2", "x"]}), path)
    with pytest.raises(InputTableError, match="column 'g' must hold numbers, but row 3 holds 'x'"):
        read_input_table(path, ["g"])
    pq.write_table(pa.table({"g": [True, False]}), path)
    with pytest.raises(InputTableError, match=r"must hold numbers, but row 1 holds True"):
        read_input_table(path, ["g"])
    pq.write_table(pa.table({"g": pa.array([1.0, None, 3.0])}), path)
    with pytest.raises(InputTableError, match="row 2 holds an empty cell"):
        read_input_table(path, ["g"])


def test_corrupt_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputTableError, match="cannot read as Parquet"):
        read_input_table(bad, ["g"])
    ragged = _write_csv(tmp_path / "ragged.csv", "g,k\n1,2\n3,4,5,6\n")
    with pytest.raises(InputTableError, match="cannot read as CSV"):
        read_input_table(ragged, ["g", "k"])
    latin = tmp_path / "latin.csv"
    latin.write_bytes("g\n\xe9\n".encode("latin-1"))
    with pytest.raises(InputTableError, match="not UTF-8"):
        read_input_table(latin, ["g"])

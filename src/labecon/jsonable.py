"""One way to turn results into what JSON can hold, and to read it back (a leaf: NumPy and the errors)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from labecon.errors import OptionError


def plain(value: Any, *, finite: bool = True) -> Any:
    """Return ``value`` as plain Python that :func:`json.dumps` accepts.

    Mappings (keys as strings), lists, tuples, NumPy arrays and scalars,
    dates and paths are converted all the way down.

    Parameters
    ----------
    value : Any
        What to convert.
    finite : bool
        If True (for files and screens other programs read), NaN and
        infinities become ``None``, since JSON has no such numbers; if False
        they stay, so that Python reads back the same bits.
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v, finite=finite) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, finite=finite) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), finite=finite)
    if isinstance(value, np.generic):
        return plain(value.item(), finite=finite)
    if isinstance(value, float) and finite and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON (NaN and infinities as null) and return the path.

    The parent folder is created if needed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(plain(data), indent=1) + "\n", encoding="utf-8")
    return target


def read_json(path: str | Path) -> Any:
    """Return what :func:`write_json` wrote at ``path``.

    Raises
    ------
    OptionError
        The file is missing or is not JSON, naming the file.
    """
    target = Path(path)
    try:
        return json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"no saved result at {target}"
        raise OptionError(msg, "path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"cannot read {target}: {exc}"
        raise OptionError(msg, "path") from None

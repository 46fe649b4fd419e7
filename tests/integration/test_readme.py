"""README.md's quickstart is true: its commands are well formed and its main job runs."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", README, re.DOTALL)
    assert match, f"README.md has no bash block after <!-- {marker} -->"
    return match.group(1).strip()


def test_quickstart_comes_first() -> None:
    assert README.index("## Quickstart") < README.index("## Using it")


def test_test_command_installs_test_extras_and_runs_pytest() -> None:
    cmd = _command("quickstart-test")
    assert "pip install '.[test]'" in cmd
    assert cmd.endswith("pytest")
    assert (ROOT / ".ci" / "run").read_text().count("quickstart-test") == 1


def test_run_command_installs_and_runs_the_main_job(tmp_path: Path) -> None:
    cmd = _command("quickstart-run")
    assert "pip install ." in cmd
    job = cmd.rsplit("&&", 1)[1].strip()
    argv = shlex.split(job)
    assert Path(argv[0]).name == "labecon"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("LABECON_STORE", None)  # the README's default store, here inside tmp_path
    done = subprocess.run(
        [sys.executable, "-m", "labecon", *argv[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OpenAI-like lab" in done.stdout
    assert "P(ruin by horizon)" in done.stdout
    (run_dir,) = [p for p in (tmp_path / "labecon-results").iterdir() if p.is_dir()]
    assert (run_dir / "summary.json").is_file()
    assert (run_dir / "samples.parquet").is_file()

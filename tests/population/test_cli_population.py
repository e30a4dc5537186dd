import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from llr_sim.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "bad_targets"
TARGETS = Path(__file__).parents[2] / "data" / "targets"


def _run(capsys, *args):
    code = main(["population", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_population_command_writes_the_four_files_and_reports(capsys, tmp_path):
    out_file = tmp_path / "pop.parquet"
    code, out, err = _run(
        capsys, "--scale", "0.005", "--seed", "7", "--out", str(out_file), "--quiet"
    )
    assert code == 0, err
    assert "published targets within tolerance" in out
    assert "er_25_64_low" in out  # the table lists the targets
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "pop.parquet",
        "pop_calibration.csv",
        "pop_employers.parquet",
        "pop_provenance.json",
    ]
    report = pd.read_csv(tmp_path / "pop_calibration.csv")
    assert {"target", "synthetic", "gap", "rel_gap", "tolerance", "fails"} <= set(report.columns)
    assert not report["fails"].any()
    persons = pd.read_parquet(out_file)
    assert len(persons) == round(4_146_865 * 0.005)


def test_same_seed_same_bytes_through_the_command(capsys, tmp_path):
    for name in ("a", "b"):
        assert (
            _run(
                capsys,
                "--scale",
                "0.003",
                "--seed",
                "11",
                "--out",
                str(tmp_path / f"{name}.parquet"),
                "--quiet",
            )[0]
            == 0
        )
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert (tmp_path / "a_employers.parquet").read_bytes() == (
        tmp_path / "b_employers.parquet"
    ).read_bytes()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--scale", "-0.1"], "--scale: must be greater than 0 and at most 1"),
        (["--scale", "0"], "--scale: must be greater than 0 and at most 1"),
        (["--scale", "2"], "--scale: must be greater than 0 and at most 1"),
        (["--scale", "abc"], "--scale: not a number: 'abc'"),
        (["--scale", "nan"], "--scale: must be greater than 0 and at most 1"),
        (["--seed", "-3"], "--seed: must be a whole number of 0 or more"),
        (["--scale", "0.00001"], "--scale: 1e-05 is too small to represent every targeted group"),
        (["--seed", "x"], "--seed: not a whole number"),
        (
            ["--out", "/nonexistent/folder/pop.parquet"],
            "--out: the folder /nonexistent/folder does not exist",
        ),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_flags_one_line_exit_2_nothing_written(capsys, tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    # A writable --out (the default's folder is missing here); a later --out wins.
    code, out, err = _run(capsys, "--out", "p.parquet", *args)
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_out_in_a_missing_folder_fails_before_synthesis(capsys, tmp_path):
    code, _, err = _run(capsys, "--scale", "1.0", "--out", str(tmp_path / "no" / "p.parquet"))
    assert code == 2  # at full scale this would take seconds if it synthesised first
    assert "does not exist" in err


@pytest.mark.parametrize("fixture", ["missing_source.csv", "malformed_quotes.csv", "binary.csv"])
def test_bad_targets_file_exit_2_nothing_written(capsys, tmp_path, fixture):
    targets = tmp_path / "targets"
    targets.mkdir()
    for f in TARGETS.glob("*.csv"):
        shutil.copy(f, targets)
    shutil.copy(FIXTURES / fixture, targets / fixture)
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = _run(
        capsys, "--scale", "0.002", "--targets", str(targets), "--out", str(out / "p.parquet")
    )
    assert code == 2
    assert fixture in err
    assert len(err.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_unreadable_targets_file(capsys, tmp_path):
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "locked.csv").mkdir()  # a folder named like a file: cannot be read
    code, _, err = _run(capsys, "--targets", str(targets), "--out", str(tmp_path / "p.parquet"))
    assert code == 2
    assert "locked.csv: cannot read the file" in err


def test_a_target_missed_makes_the_command_fail(capsys, tmp_path):
    targets = tmp_path / "targets"
    targets.mkdir()
    for f in TARGETS.glob("*.csv"):
        shutil.copy(f, targets)
    # A published figure the weights are not fitted to and the draws do not produce.
    (targets / "extra.csv").write_text(
        "target_id,universe,category,value,unit,year,source,status,use,note\n"
        "alone_check,age=18-66,lives_alone=true,40,percent,2023,https://example.org,"
        "published,check,deliberately wrong\n"
    )
    code, out, err = _run(
        capsys,
        "--scale",
        "0.002",
        "--targets",
        str(targets),
        "--out",
        str(tmp_path / "p.parquet"),
        "--quiet",
    )
    assert code == 1
    assert "alone_check" in err
    assert "OUTSIDE TOLERANCE" in out


def test_console_script_is_installed():
    exe = Path(sys.executable).parent / "llr-sim"
    result = subprocess.run(
        [str(exe), "population", "--scale", "-1"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "llr-sim: error: --scale: must be greater than 0 and at most 1, got -1.0"
    )

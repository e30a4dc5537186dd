"""The Population: the persons, their employers and the calibration report, saved together."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from llr_sim import __version__
from llr_sim.errors import InputError
from llr_sim.fileio import publish
from llr_sim.population import schema


def sidecar_paths(path: str | Path) -> dict[str, Path]:
    """The files written for a population at ``path`` (``X.parquet`` and its companions)."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix == ".parquet" else path
    return {
        "persons": path,
        "employers": stem.with_name(stem.name + "_employers.parquet"),
        "calibration": stem.with_name(stem.name + "_calibration.csv"),
        "provenance": stem.with_name(stem.name + "_provenance.json"),
    }


def check_output_path(path: str | Path, flag: str = "--out") -> Path:
    """The output path, if its folder exists and is writable; an InputError otherwise."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(
            flag, f"{path} is a folder; give a file name such as {path}/population.parquet"
        )
    if not folder.is_dir():
        raise InputError(flag, f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise InputError(flag, f"the folder {folder} is not writable")
    return path


def git_commit() -> str:
    """The git commit of the package's checkout, or 'unknown'."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@dataclass
class Population:
    """A synthetic population.

    Attributes:
        persons: One row per person (columns of ``schema.PERSON_COLUMNS``).
        employers: One row per employer (columns of ``schema.EMPLOYER_COLUMNS``).
        calibration: Every target against its synthetic value.
        meta: How it was made (scale, seed, targets hash, raking fit).
    """

    persons: pd.DataFrame
    employers: pd.DataFrame
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of persons (rows)."""
        return len(self.persons)

    def weighted_total(self) -> float:
        """Number of real persons the rows stand for."""
        return float(self.persons["weight"].to_numpy(dtype=float).sum())

    def save(self, path: str | Path) -> dict[str, Path]:
        """Write the persons, employers, calibration report and provenance beside each other.

        All files are written to temporary names in the target folder first and renamed only
        when every one is complete, so a failure leaves no partial output.

        Args:
            path: The persons parquet file; the others take its name plus a suffix.

        Returns:
            The paths written, by kind.
        """
        check_output_path(path)
        paths = sidecar_paths(path)
        # Deterministic metadata only in the parquet files (same seed, same bytes); the time
        # and git commit go into the provenance file.
        meta = {"llr_sim_version": __version__, **self.meta}
        provenance = {
            **meta,
            "git_commit": git_commit(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {k: p.name for k, p in paths.items()},
        }
        writers = {
            "persons": lambda f: _write_parquet(self.persons, f, meta),
            "employers": lambda f: _write_parquet(self.employers, f, meta),
            "calibration": lambda f: self.calibration.to_csv(f, index=False),
            "provenance": lambda f: Path(f).write_text(json.dumps(provenance, indent=2) + "\n"),
        }
        temps: dict[str, str] = {}
        try:
            for kind, write in writers.items():
                fd, tmp = tempfile.mkstemp(
                    prefix=f".{paths[kind].name}.", suffix=".tmp", dir=paths[kind].parent
                )
                os.close(fd)
                temps[kind] = tmp
                write(tmp)
                publish(tmp)
            for kind, tmp in temps.items():
                os.replace(tmp, paths[kind])
        finally:
            for tmp in temps.values():
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return paths


def _write_parquet(frame: pd.DataFrame, path: str, meta: dict) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"llr_sim": json.dumps(meta, sort_keys=True).encode()}
    )
    pq.write_table(table, path, compression="zstd")


def load_population(path: str | Path) -> Population:
    """Read a population written by ``Population.save``.

    Raises:
        InputError: When a file is missing, unreadable or does not match the schema.
    """
    paths = sidecar_paths(path)
    frames = {}
    for kind, columns in (
        ("persons", schema.PERSON_COLUMNS),
        ("employers", schema.EMPLOYER_COLUMNS),
    ):
        file = paths[kind]
        if not file.is_file():
            raise InputError(str(file), "file not found")
        try:
            table = pq.read_table(file)
        except (OSError, pa.ArrowException) as err:
            raise InputError(str(file), f"not a readable parquet file ({err})") from None
        frame = table.to_pandas()
        for col in columns:
            if col.name in frame and col.categories is not None:
                frame[col.name] = frame[col.name].astype(col.pandas_dtype())
        problems = schema.check_frame(frame, columns, kind)
        if problems:
            raise InputError(str(file), problems[0])
        frames[kind] = frame
        meta = json.loads((table.schema.metadata or {}).get(b"llr_sim", b"{}"))
    calibration = (
        pd.read_csv(paths["calibration"]) if paths["calibration"].is_file() else pd.DataFrame()
    )
    return Population(frames["persons"], frames["employers"], calibration, meta)

"""Small file helpers shared by every writer: atomic outputs get ordinary permissions.

Outputs are written under a temporary name and renamed when complete. ``tempfile`` creates
those with owner-only permissions (0600 files, 0700 folders); ``publish`` gives the finished
output the permissions an ordinary ``open`` would have (0666 / 0777 less the umask), so
colleagues on a shared drive can read the results.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(path: str | os.PathLike) -> None:
    """Give a finished file or folder (and its contents) ordinary permissions."""
    path = Path(path)
    mask = _umask()
    if path.is_dir():
        os.chmod(path, 0o777 & ~mask)
        for root, dirs, files in os.walk(path):
            for d in dirs:
                os.chmod(Path(root) / d, 0o777 & ~mask)
            for f in files:
                os.chmod(Path(root) / f, 0o666 & ~mask)
    else:
        os.chmod(path, 0o666 & ~mask)


def _temp_name(path: Path) -> str:
    """A hidden temporary name beside ``path`` that carries this process's id.

    The id lets a cleaner tell a live writer's file from one a killed process left behind.
    """
    return f".{path.name}.tmp-{os.getpid()}-"


def atomic_write(path: str | os.PathLike, write_fn) -> Path:
    """Write a file atomically: ``write_fn(tmp_path)`` fills a temporary file, then it is renamed.

    The temporary file sits in the same folder (so the rename is atomic), gets ordinary
    permissions (:func:`publish`) and is removed if ``write_fn`` fails.

    Args:
        path: The file to write.
        write_fn: Called with the temporary path (a :class:`~pathlib.Path`); writes the content.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=_temp_name(path), suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write_fn(tmp)
        publish(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def replace_dir(tmp: str | os.PathLike, final: str | os.PathLike) -> Path:
    """Put the finished folder ``tmp`` in place of ``final`` (published first).

    An existing ``final`` is moved aside and removed only once the new folder is in place, so
    there is always a complete folder under the final name or none at all.

    Returns:
        The final path.
    """
    tmp, final = Path(tmp), Path(final)
    publish(tmp)
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        try:
            os.replace(tmp, final)
        except OSError:
            os.replace(old, final)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)
    return final

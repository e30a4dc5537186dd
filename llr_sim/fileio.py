"""Small file helpers shared by every writer: atomic outputs get ordinary permissions.

Outputs are written under a temporary name and renamed when complete. ``tempfile`` creates
those with owner-only permissions (0600 files, 0700 folders); ``publish`` gives the finished
output the permissions an ordinary ``open`` would have (0666 / 0777 less the umask), so
colleagues on a shared drive can read the results.
"""

from __future__ import annotations

import os
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

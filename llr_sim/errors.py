"""Errors that the command line turns into one clear line and an exit code."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: a file, a field or a flag that cannot be used.

    The CLI prints ``where: message`` on one line and exits with code 2.

    Args:
        where: The file (and field) or the flag at fault, e.g. ``"targets/x.csv: row 4, source"``.
        message: What is wrong, in plain words.
    """

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class InputErrors(InputError):
    """Several input problems, reported all at once (one line each)."""

    def __init__(self, problems: list[InputError]):
        self.problems = problems
        super().__init__("", "\n".join(str(p) for p in problems))

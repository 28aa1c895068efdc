"""The errors a command ends with, and the exit code each means.

Library functions raise these; the command line prints them as plain lines and exits with the
code, so there is one place (`cli.main`) that turns a failure into what a user sees. Exit codes:
0 fine, 1 the data (or a document built from it) has problems, 2 the command was used wrongly.
"""

from __future__ import annotations

from collections.abc import Sequence

from .messages import _
from .problems import Problem


class SnplanError(Exception):
    """A failure a user should read: `problems` first (each with file and line), then the
    sentence `message`."""

    exit_code = 1

    def __init__(self, message: str = "", *, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def lines(self) -> list[str]:
        """What the user sees, one line each."""
        lines = [p.format() for p in self.problems]
        if self.message:
            lines.append(self.message if self.problems
                         else _("error: {message}").format(message=self.message))
        return lines

    def __reduce__(self):  # noqa: ANN204 - keeps the problems across process boundaries
        return (_rebuild, (type(self), self.message, self.problems))


def _rebuild(cls: type[SnplanError], message: str, problems: list[Problem]) -> SnplanError:
    error = cls.__new__(cls)
    SnplanError.__init__(error, message, problems=problems)
    return error


class UsageError(SnplanError):
    """The command was used wrongly: an unknown kind, a year with no data, a bad option."""

    exit_code = 2


class DataError(SnplanError):
    """The data has problems, or lacks what was asked for: nothing was done."""

    exit_code = 1


class BuildError(SnplanError):
    """A document could not be built; `problems` name the places in the data or templates."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        super().__init__(_("nothing was written") if message is None else message,
                         problems=problems)

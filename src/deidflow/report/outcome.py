"""The verdict of a run: which exit code it ends with and the problems that say why.

Built from manifests and one-line error messages only (never a value). Exit codes are
``deidflow.errors.ExitCode``; the config's `fail_on` names the outcome flags that count.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deidflow import outcomes
from deidflow.errors import DeidflowError, ExitCode
from deidflow.store.manifest import Manifest

# When several things went wrong, the exit code is the first of these that applies: a config
# error or an unreachable orchestrator explain everything after them; a busy source-day is
# something to wait for; then failures; then outcomes the config marks as errors.
_PRIORITY = (
    ExitCode.CONFIG,
    ExitCode.ORCHESTRATION,
    ExitCode.BUSY,
    ExitCode.FAILED,
    ExitCode.WARNINGS,
)


@dataclass
class Crash:
    """A source-day whose task ended with an error instead of a manifest."""

    source: str
    day: str
    message: str  # one line, no values
    exit_code: int = ExitCode.FAILED

    @classmethod
    def from_exception(cls, source: str, day: str, exc: BaseException) -> Crash:
        """Describe ``exc`` in one line: a DeidflowError's own message, else its type only.

        Messages of other exceptions may quote data (a bug's KeyError, a library's parse
        error), so only their type is shown; the full error is in the Prefect logs.
        """
        if isinstance(exc, DeidflowError):
            return cls(source, day, str(exc), int(exc.exit_code))
        if isinstance(exc, OSError) and exc.errno is not None:
            where = f" `{exc.filename}`" if exc.filename else ""
            return cls(source, day, f"{type(exc).__name__}{where}: [Errno {exc.errno}]")
        return cls(source, day, f"{type(exc).__name__} (details in the Prefect logs)")


@dataclass
class Verdict:
    """How a run ended: the exit code and one line per problem."""

    exit_code: int = ExitCode.OK
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # shown, but not counted as problems

    @property
    def ok(self) -> bool:
        """Whether the run ends with exit code 0."""
        return self.exit_code == ExitCode.OK

    def headline(self) -> str:
        """One line for the end of the terminal summary and the flow run's state message."""
        if self.ok:
            return "run completed: no problems"
        what = {
            ExitCode.WARNINGS: "run completed with problems that `fail_on` marks as errors",
            ExitCode.FAILED: "run failed in part",
            ExitCode.BUSY: "source-day busy: another run holds its lock",
            ExitCode.CONFIG: "configuration error",
            ExitCode.ORCHESTRATION: "orchestration unavailable",
        }.get(ExitCode(self.exit_code), "run failed")
        return f"{what}: {len(self.problems)} problem(s) (exit code {self.exit_code})"


def judge(
    manifests: Sequence[Manifest], fail_on: Collection[str], crashes: Sequence[Crash] = ()
) -> Verdict:
    """Return the verdict of a run from its manifests, the `fail_on` flags and its crashes."""
    codes: set[int] = set()
    problems: list[str] = []
    for crash in crashes:
        codes.add(crash.exit_code)
        problems.append(f"{crash.source} {crash.day}: {crash.message}")
    notices = [
        f"{m.source} {m.date.isoformat()}: {warning}"
        for m in manifests
        if any(m.flags.get(flag) and flag not in fail_on for flag in outcomes.NOTICES)
        for warning in m.warnings
        if warning.startswith("input `") and "quarantine_warn_share" in warning
    ]
    for m in manifests:
        flagged = _flagged(m.flags, fail_on)
        if not flagged:
            continue
        codes.add(ExitCode.FAILED if outcomes.FILE_FAILED in flagged else ExitCode.WARNINGS)
        counts = ", ".join(f"{flag} ({count})" for flag, count in sorted(flagged.items()))
        problems.append(f"{m.source} {m.date.isoformat()}: {counts}")
    code = next((c for c in _PRIORITY if c in codes), ExitCode.OK)
    return Verdict(int(code), problems, notices)


def _flagged(flags: Mapping[str, int], fail_on: Collection[str]) -> dict[str, int]:
    return {
        flag: count
        for flag, count in flags.items()
        if count and (flag == outcomes.FILE_FAILED or flag in fail_on)
    }


class RunOutcomeError(DeidflowError):
    """A run completed (or partly), but its verdict is not OK; carries counts, never values.

    Raised at the end of a flow, after the report was written, so the flow run ends Failed
    with the headline as its message and the CLI exits with the verdict's code.
    """

    def __init__(self, verdict: Verdict, results: list[dict[str, Any]]) -> None:
        self.verdict = verdict
        self.results = results
        self.exit_code = verdict.exit_code
        super().__init__(verdict.headline())

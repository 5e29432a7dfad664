"""The run verdict: exit codes from outcome flags, `fail_on`, and crashed source-days."""

from __future__ import annotations

import datetime as dt
import errno
import pickle

import pytest

from deidflow import outcomes
from deidflow.errors import ConfigError, ExitCode, InputFileError
from deidflow.report.outcome import Crash, RunOutcomeError, Verdict, judge
from deidflow.report.summary import render_markdown, render_text
from deidflow.store.manifest import Manifest

DEFAULT = outcomes.FAIL_ON_DEFAULT


def _manifest(source: str = "web_logs", **flags: int) -> Manifest:
    return Manifest(
        run_id="r",
        source=source,
        date=dt.date(2026, 11, 1),
        records_in=0,
        records_out=0,
        policy_version="p",
        key_id="k",
        flags=flags,
    )


@pytest.mark.parametrize(
    ("flags", "fail_on", "code"),
    [
        ({}, DEFAULT, ExitCode.OK),  # nothing flagged
        ({outcomes.QUARANTINED: 8}, DEFAULT, ExitCode.OK),  # quarantine alone is normal
        ({outcomes.QUARANTINED: 8}, [outcomes.QUARANTINED], ExitCode.WARNINGS),  # unless asked
        ({outcomes.RELEASE_REFUSED: 1}, DEFAULT, ExitCode.WARNINGS),
        ({outcomes.RELEASE_REFUSED: 1}, [], ExitCode.OK),  # the config may accept refusals
        ({outcomes.NO_INPUT: 1}, DEFAULT, ExitCode.WARNINGS),
        ({outcomes.MISSING_SOURCE: 1}, DEFAULT, ExitCode.WARNINGS),
        ({outcomes.JUNK_FILE: 2}, DEFAULT, ExitCode.WARNINGS),
        ({outcomes.FILE_FAILED: 1}, [], ExitCode.FAILED),  # a failed file always counts
        ({outcomes.FILE_FAILED: 1, outcomes.NO_INPUT: 1}, DEFAULT, ExitCode.FAILED),
    ],
)
def test_exit_code_from_flags(flags: dict[str, int], fail_on: list[str], code: int) -> None:
    verdict = judge([_manifest(**flags)], fail_on)
    assert verdict.exit_code == code
    assert bool(verdict.problems) == (code != ExitCode.OK)


def test_crashes_rank_config_then_busy_then_failure_then_warnings() -> None:
    busy = Crash("forms", "2026-11-01", "busy", ExitCode.BUSY)
    refused = _manifest(**{outcomes.RELEASE_REFUSED: 1})
    assert judge([refused], DEFAULT, [busy]).exit_code == ExitCode.BUSY
    config = Crash.from_exception("forms", "2026-11-01", ConfigError("x", "bad"))
    assert judge([refused], DEFAULT, [busy, config]).exit_code == ExitCode.CONFIG
    failed = Crash.from_exception("forms", "2026-11-01", InputFileError("f", "gone"))
    assert judge([refused], DEFAULT, [failed]).exit_code == ExitCode.FAILED


def test_a_crash_message_never_carries_a_foreign_exceptions_text() -> None:
    leaky = KeyError("alice@example.com")  # a bug's message may quote data
    crash = Crash.from_exception("forms", "2026-11-01", leaky)
    assert "alice" not in crash.message and "KeyError" in crash.message
    disk = Crash.from_exception(
        "forms", "2026-11-01", OSError(errno.ENOSPC, "No space left", "/out/x")
    )
    assert "/out/x" in disk.message and "28" in disk.message


def test_the_verdict_is_printed_and_reported() -> None:
    manifests = [_manifest(**{outcomes.NO_INPUT: 1}), _manifest("forms")]
    verdict = judge(manifests, DEFAULT)
    assert verdict.problems == ["web_logs 2026-11-01: no_input (1)"]
    assert "exit code 3" in render_text(manifests, verdict)
    report = render_markdown(manifests, verdict)
    assert "## Outcome" in report and "- web_logs 2026-11-01: no_input (1)" in report
    assert Verdict().headline() == "run completed: no problems"


def test_the_run_outcome_error_survives_pickling_with_its_counts() -> None:
    verdict = judge([_manifest(**{outcomes.NO_INPUT: 1})], DEFAULT)
    error = pickle.loads(pickle.dumps(RunOutcomeError(verdict, [{"manifest": {"n": 1}}])))
    assert error.exit_code == ExitCode.WARNINGS and error.results == [{"manifest": {"n": 1}}]
    assert str(error) == verdict.headline()

"""Outcome flags of a source-day, defined once: manifests record them, `fail_on` selects them.

A flag counts something that went wrong but did not stop the run. The config's `fail_on` names
the flags that end a completed run with exit code 3 (``ExitCode.WARNINGS``); a failed input
file always ends it with exit code 1 (``ExitCode.FAILED``).
"""

from __future__ import annotations

FILE_FAILED = "file_failed"  # an input file could not be read to its end
RELEASE_REFUSED = "release_refused"  # a partner release was refused (k, l or the leak gate)
NO_INPUT = "no_input"  # the source folder exists but no file matched for the day
MISSING_SOURCE = "missing_source"  # the source folder itself does not exist
QUARANTINED = "quarantined"  # records went to quarantine
JUNK_FILE = "junk_file"  # the pattern matched a directory, a symlink loop, an empty file, …
QUARANTINE_SHARE = "quarantine_share"  # a file quarantined more than `quarantine_warn_share`

SELECTABLE = (RELEASE_REFUSED, NO_INPUT, MISSING_SOURCE, QUARANTINED, JUNK_FILE, QUARANTINE_SHARE)
"""Flags `fail_on` may name."""
FAIL_ON_DEFAULT = (RELEASE_REFUSED, NO_INPUT, MISSING_SOURCE, JUNK_FILE)
"""Flags that end a run with exit code 3 unless the config says otherwise."""
NOTICES = (QUARANTINE_SHARE,)
"""Flags the run summary always shows, even when `fail_on` does not name them."""

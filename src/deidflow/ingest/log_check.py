"""Check a source's access-log format options when the config loads (fail before reading)."""

from __future__ import annotations

from deidflow.errors import ConfigError


def check_log_format(kind: str, log_format: str | None, apache_format: str | None) -> None:
    """Raise ``ValueError`` (pydantic turns it into the option's error) for unusable options.

    ``log_format`` and ``apache_format`` exclude each other, apply to access logs only, and
    must compile (a format string needs at least one variable / directive).
    """
    from deidflow.ingest.log_formats import compile_apache, compile_nginx
    from deidflow.ingest.log_presets import PRESETS

    if log_format is None and apache_format is None:
        return
    if kind != "access_log":
        raise ValueError("`log_format` / `apache_format` apply to `kind: access_log` only")
    if log_format is not None and apache_format is not None:
        raise ValueError("set `log_format` or `apache_format`, not both")
    try:
        if apache_format is not None:
            compile_apache(apache_format)
        elif log_format not in PRESETS:
            assert log_format is not None
            if "$" not in log_format:
                valid = ", ".join(f"`{name}`" for name in PRESETS)
                raise ValueError(f"not a preset ({valid}) nor an nginx format string")
            compile_nginx(log_format)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None

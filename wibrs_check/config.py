"""Settings from ``pyproject.toml`` or ``wibrs-check.toml``, as ruff and sqlfluff read theirs.

Where: from the current folder upwards, the first folder that holds either

* ``wibrs-check.toml`` (settings at the top level, or under ``[tool.wibrs-check]``), or
* ``pyproject.toml`` with a ``[tool.wibrs-check]`` table (a pyproject.toml without one is
  passed over, and the search goes on upwards).

When one folder has both, ``wibrs-check.toml`` wins. The ``WIBRS_CHECK_CONFIG`` environment
variable names a settings file to use instead of searching (``none`` turns settings off).

Keys (the names of the command-line options; options given on the command line win):

=============  ==================================================================  ==========
key            meaning                                                             commands
=============  ==================================================================  ==========
``select``     codes or code prefixes to check (list, or a comma-separated text)   check, batch, gaps
``ignore``     codes or code prefixes to skip                                      check, batch, gaps
``agencies``   agency master file (CSV); relative to the settings file's folder    check, batch, gaps
``strict``     true: warnings also make the exit status 1                          check, batch
``jobs``       worker processes for batch and gaps (default: all cores)            batch, gaps
``history``    the history store, like ``--history`` (read by history.session)    check, batch, gaps
=============  ==================================================================  ==========

``select = ["4", "IO02"]`` is the same as ``--select 4,IO02``. Giving ``--select`` (or
``--ignore``) on the command line replaces the setting; ``--no-strict`` overrides
``strict = true``. An unknown key or a value of the wrong type is an error that names the
file and the key. So is a code or prefix in ``select`` or ``ignore`` (in the file or on the
command line) that matches no catalogued code: a typo there would otherwise check nothing,
or everything, and a CI gate would pass without saying so.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

KEYS = ("select", "ignore", "agencies", "strict", "jobs", "history")  # history: read by history.session
FILE_NAMES = ("wibrs-check.toml", "pyproject.toml")
ENV = "WIBRS_CHECK_CONFIG"


class ConfigError(Exception):
    """The settings file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    agencies: str | None = None
    strict: bool = False
    jobs: int | None = None
    source: Path | None = None  # the file they came from; None = defaults
    given: frozenset[str] = field(default_factory=frozenset)  # keys the file set


@dataclass(frozen=True)
class Resolved:
    """What a command runs with, after the command line has overridden the settings."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    agencies: str | None
    strict: bool
    jobs: int | None
    source: Path | None


def _table(path: Path) -> dict | None:
    """The wibrs-check settings table of ``path``; None when the file has none (pyproject)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    tool = data.get("tool", {}).get("wibrs-check") if isinstance(data.get("tool"), dict) else None
    if path.name == "pyproject.toml":
        return tool
    if tool is not None:
        return tool
    return {k: v for k, v in data.items() if k != "tool"}


def find(start: Path | None = None) -> tuple[Path, dict] | None:
    """The settings file that applies in ``start`` (default: the current folder) and its table."""
    env = os.environ.get(ENV)
    if env:
        if env.lower() == "none":
            return None
        path = Path(env)
        table = _table(path)
        return (path, table or {}) if table is not None else None
    folder = (start or Path.cwd()).resolve()
    for directory in (folder, *folder.parents):
        for name in FILE_NAMES:
            path = directory / name
            if path.is_file():
                table = _table(path)
                if table is not None:
                    return path, table
    return None


def _codes(value, path: Path, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        items = [str(v) for v in value]
    else:
        raise ConfigError(f"{path}: '{key}' must be a list of codes (for example [\"4\", \"IO02\"]) or a "
                          f"comma-separated text, not {value!r}")
    return split_codes(items)


def split_codes(values) -> tuple[str, ...]:
    """Codes from option values or list items, each possibly comma-separated ('4,IO02')."""
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def unknown_codes(codes) -> list[str]:
    """The codes or prefixes of ``codes`` that match no catalogued code (matching as the
    engine does: the code itself or a prefix of it, case as written)."""
    from . import spec

    catalog = tuple(spec.edit_catalog().index)
    return [c for c in codes if not any(code.startswith(c) for code in catalog)]


def check_codes(codes, where: str) -> None:
    """Stop with a ConfigError naming every code of ``codes`` that matches nothing."""
    unknown = unknown_codes(codes)
    if not unknown:
        return
    hints = [f"{c} (did you mean {c.upper()}?)" if c.upper() != c and not unknown_codes([c.upper()]) else c
             for c in unknown]
    raise ConfigError(f"{where}: no catalogued code is or starts with {', '.join(hints)}; "
                      f"'wibrs-check rules' lists the codes")


def parse(path: Path, table: dict) -> Settings:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; the keys are {', '.join(KEYS)}")
    values: dict = {}
    if "select" in table:
        values["select"] = _codes(table["select"], path, "select")
        check_codes(values["select"], f"{path}: 'select'")
    if "ignore" in table:
        values["ignore"] = _codes(table["ignore"], path, "ignore")
        check_codes(values["ignore"], f"{path}: 'ignore'")
    if "agencies" in table:
        agencies = table["agencies"]
        if not isinstance(agencies, str) or not agencies.strip():
            raise ConfigError(f"{path}: 'agencies' must be the path of the agency master file (text)")
        p = Path(agencies).expanduser()
        values["agencies"] = str(p if p.is_absolute() else (path.parent / p))
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise ConfigError(f"{path}: 'strict' must be true or false, not {table['strict']!r}")
        values["strict"] = table["strict"]
    if "jobs" in table:
        jobs = table["jobs"]
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise ConfigError(f"{path}: 'jobs' must be a whole number of at least 1, not {jobs!r}")
        values["jobs"] = jobs
    return Settings(**values, source=path, given=frozenset(table))


def load(start: Path | None = None) -> Settings:
    """The settings that apply in ``start`` (default: the current folder); defaults if none."""
    found = find(start)
    if found is None:
        return Settings()
    return parse(*found)


def resolve(select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), agencies: str | None = None,
            strict: bool | None = None, jobs: int | None = None, settings: Settings | None = None) -> Resolved:
    """Command-line values over the settings: a value given on the command line wins."""
    check_codes(select, "--select")
    check_codes(ignore, "--ignore")
    s = settings if settings is not None else load()
    return Resolved(
        select=tuple(select) or s.select,
        ignore=tuple(ignore) or s.ignore,
        agencies=agencies or s.agencies,
        strict=s.strict if strict is None else bool(strict),
        jobs=jobs or s.jobs,
        source=s.source,
    )


def resolve_cli(select=(), ignore=(), agencies=None, strict=None, jobs=None) -> Resolved:
    """:func:`resolve` for click commands: a settings problem becomes a usage error (exit 2).

    The settings file in use, if any, is named on standard error, so that a file found in a
    parent folder never changes what is checked without the user seeing it."""
    import click

    try:
        resolved = resolve(select, ignore, agencies, strict, jobs)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if resolved.source is not None:
        click.echo(f"wibrs-check: settings from {resolved.source}", err=True)
    return resolved

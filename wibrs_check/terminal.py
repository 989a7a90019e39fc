"""What the command line prints is made safe for a terminal first.

Values in a report come from the files checked (an SBR cell, an incident number, a file
name), and a terminal obeys control characters: ``ESC [2J`` clears the screen, other escape
sequences move the cursor, retitle the window or hide text. Everything the CLI prints goes
through :func:`safe` (``echo`` for click output, ``rich_safe`` for values put into rich
markup), so a control character is shown as ``?`` whatever format it came from. Line feeds
and tabs are kept, and a carriage return only where it ends a line (CRLF).
"""

from __future__ import annotations

import re

import click

# C0 controls except tab and line feed, DEL, C1 controls, and the Unicode marks that
# reorder or hide text (bidirectional overrides and isolates).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def safe(text: str) -> str:
    """``text`` with every character a terminal would act on replaced by '?'."""
    return _UNSAFE.sub("?", text)


def rich_safe(value: object) -> str:
    """A value to put inside rich markup: terminal-safe, and its ``[`` not read as markup."""
    from rich.markup import escape

    return escape(safe(str(value)))


def echo(message: object = None, **kwargs) -> None:
    """``click.echo`` for anything that may hold values from the files checked."""
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    click.echo(safe(message) if isinstance(message, str) else message, **kwargs)

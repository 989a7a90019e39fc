"""Reference data a run may have: an agency master file, earlier submissions, today's date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Context:
    agencies: pd.DataFrame | None = None
    history: object | None = None
    today: dt.date = field(default_factory=dt.date.today)
    _unchecked: dict[str, str] | None = field(default=None, repr=False)

    def has(self, need: str) -> bool:
        return {"agency": self.agencies is not None, "history": self.history is not None}.get(need, False)

    def missing_reference(self, code: str) -> str | None:
        """What the given reference data lacks for ``code`` (an agency file without the column
        an edit reads), or None. Such an edit is reported as not checked, never as passed."""
        if self.agencies is None:
            return None
        from .agencies import unchecked_edits

        if self._unchecked is None:
            self._unchecked = unchecked_edits(self.agencies)
        return self._unchecked.get(code)

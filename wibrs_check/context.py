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

    def has(self, need: str) -> bool:
        return {"agency": self.agencies is not None, "history": self.history is not None}.get(need, False)

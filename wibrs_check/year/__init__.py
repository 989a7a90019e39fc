"""The state's year view (``wibrs-check report YEAR --history URL``), read from the history store only.

* :mod:`.ledger` reads what the store received for the year (``received_units``, revision
  0003) and decides, as of a date, whether each report was on file (accepted), still
  rejected, or withdrawn;
* :mod:`.figures` turns that into the agency scorecard, the FBI certification test, state
  totals, the trafficking figures of the DOJ follow-up report and its follow-up lists;
* :mod:`.output` writes CSV, JSON, XLSX and the one-file HTML page (columns documented in
  :data:`.tables.COLUMNS` and docs/year-report.md).

:func:`build` is the one call the command makes.
"""

from .figures import YearReport, build, change_phrase

__all__ = ["YearReport", "build", "change_phrase"]

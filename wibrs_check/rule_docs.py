"""The rule catalog as people read it: one code's documentation and the list of every code.

``wibrs-check rules`` and the web's rule pages both show what these functions return, so the
two never say different things about a code.
"""

from __future__ import annotations

from . import spec
from .rules.registry import NEED_LABELS, all_rules

# Catalogued codes that are not record rules: how they are reported instead.
SECTION_STATUS = {
    "gap": "agency-level signal (batch, gaps)",
    "file": "reported for each file that cannot be read (unreadable files; exit code 2)",
}


# How each kind of status is counted in the footer of ``wibrs-check rules`` and shown in its
# STATUS column (short, so the column is never cut; --format csv and 'rules CODE' give the
# long words). Keys are the kinds :func:`status_kind` returns.
STATUS_KINDS = {
    "file": "checked in the file",
    "partial": "checked in the file, more with outside data",
    "needs": "checked only with outside data",
    "signal": "reported another way",
    "missing": "not yet implemented",
}
SHORT_NEEDS = {"agency": "--agencies", "history": "--history", "fbi": "FBI data"}


def status_kind(rule, code: str) -> str:
    section = spec.edit_catalog().loc[code, "section"] if code in spec.edit_catalog().index else ""
    if rule is None:
        return "signal" if section in SECTION_STATUS else "missing"
    if not rule.checks or rule.needs:
        return "needs"
    return "partial" if rule.partial_needs else "file"


def short_status(rule, code: str) -> str:
    kind = status_kind(rule, code)
    if kind == "signal":
        section = spec.edit_catalog().loc[code, "section"]
        return {"gap": "batch/gaps signal", "file": "unreadable file"}.get(section, "reported another way")
    if kind == "missing":
        return "not implemented"
    if kind == "needs":
        return ("needs " if rule.checks else "not run without ") + " + ".join(SHORT_NEEDS.get(n, n) for n in sorted(rule.needs))
    if kind == "partial":
        return "file; more with " + " + ".join(SHORT_NEEDS.get(n, n) for n in sorted(rule.partial_needs))
    return "implemented"


def status(rule, code: str = "") -> str:
    section = spec.edit_catalog().loc[code, "section"] if code in spec.edit_catalog().index else ""
    if rule is None and section in SECTION_STATUS:
        return SECTION_STATUS[section]
    if rule is None:
        return "not yet implemented"
    if not rule.checks:
        return "not checked without " + " and ".join(NEED_LABELS.get(n, n) for n in sorted(rule.needs))
    if rule.needs:
        return "implemented (needs " + " and ".join(NEED_LABELS.get(n, n) for n in sorted(rule.needs)) + ")"
    if rule.partial_needs:
        return "implemented (in the file; more with " + " and ".join(NEED_LABELS.get(n, n) for n in sorted(rule.partial_needs)) + ")"
    return "implemented"


def normalise_code(code: str) -> str:
    """``4`` -> ``004``, ``ht01`` -> ``HT01``: the catalog's spelling of a code as typed."""
    code = code.strip()
    return code.upper() if not code.isdigit() else code.zfill(3) if len(code) < 3 else code


def rule_text(code: str) -> str:
    """What ``wibrs-check rules CODE`` prints (the web's rule pages show the same); ``code`` is in the catalog."""
    row = spec.edit_catalog().loc[code]
    rule = all_rules().get(code)
    return "\n".join([
        f"{code}  {row['severity']}  level {row['level'] or '-'}  data element {row['data_element'] or '(varies)'}",
        f"{row['title']}", f"status: {status(rule, code)}", "",
        rule.documentation() if rule else row["description"],
    ])


def rule_rows() -> list[tuple[str, str, str, str, str, str]]:
    """One row per catalogued code: code, severity, level, data element, status, title."""
    registry = all_rules()
    return [(c, row["severity"], row["level"], row["data_element"], status(registry.get(c), c), row["title"])
            for c, row in spec.edit_catalog().iterrows()]


def footer(kinds: list[str], what: str) -> str:
    """'303 FBI edit numbers: 275 checked in the file, ...': the counts of the rows above."""
    counts = {k: kinds.count(k) for k in STATUS_KINDS}
    parts = [f"{counts[k]} {words}" for k, words in STATUS_KINDS.items() if counts[k] or k == "missing"]
    return f"{len(kinds)} {what}: " + "; ".join(parts) + "."


def listing() -> str:
    """The table ``wibrs-check rules`` prints: code, severity, a short status that is never cut,
    the title; then footers whose counts are those of the rows above."""
    registry = all_rules()
    catalog = spec.edit_catalog()
    short = {c: short_status(registry.get(c), c) for c in catalog.index}
    width = max(len(v) for v in short.values())
    lines = [f"{'code':>5}  {'severity':8} {'status':{width}}  title"]
    lines += [f"{c:>5}  {row['severity']:8} {short[c]:{width}}  {row['title']}" for c, row in catalog.iterrows()]
    fbi = [c for c in catalog.index if c.isdigit()]
    own = [c for c in catalog.index if not c.isdigit()]
    lines += ["",
              footer([status_kind(registry.get(c), c) for c in fbi], "FBI edit numbers"),
              footer([status_kind(registry.get(c), c) for c in own], "codes of our own"),
              "Outside data: --agencies (agency master file), --history (earlier submissions). "
              "'wibrs-check rules CODE' explains a code."]
    return "\n".join(lines) + "\n"

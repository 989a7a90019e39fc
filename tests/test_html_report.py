"""HTML report: one self-contained page with charts and links to every code's documentation;
rendered in headless Chromium when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from wibrs_check import batch
from wibrs_check.report import html

from state_month_run import small_month_result


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.sources: list[str] = []
        self.svg_titles: list[str] = []
        self._in_svg_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.sources.append(a["src"])


@pytest.fixture(scope="module")
def page_text():
    return batch.render_html(small_month_result())


@pytest.fixture(scope="module")
def page(page_text):
    p = Page()
    p.feed(page_text)
    return p


def test_structure_summary_first_then_agencies_and_codes(page, page_text):
    order = [page_text.index(f'id="{s}"') for s in ("summary", "gaps", "agencies", "by-agency", "codes", "docs")]
    assert order == sorted(order)
    for chart in ("chart-rejection", "chart-errors", "chart-trafficking", "chart-gaps"):
        assert chart in page.ids
    assert page.tags.count("svg") == 4
    assert page.tags.count("rect") > 10  # the bars are drawn


def test_self_contained(page, page_text):
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not page.sources
    assert not [h for h in page.hrefs if not h.startswith("#")]
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", page_text)


def test_every_link_has_a_target_and_every_code_its_documentation(page):
    result = small_month_result()
    missing = [h for h in page.hrefs if h[1:] not in page.ids]
    assert not missing, missing[:10]
    codes = set(result.report.findings["code"]) | set(result.gaps["code"])
    assert codes and {f"code-{c}" for c in codes} <= page.ids
    assert {f"agency-{o}" for o in result.summary["ori"]} <= page.ids
    for code in result.gaps["code"]:
        assert f'#code-{code}' in page.hrefs


def test_documentation_text_is_the_rules(page_text):
    from wibrs_check.rules.registry import all_rules

    doc = all_rules()["204"].documentation().split("\n")[0]
    assert str(html.escape(doc)) in page_text
    assert "Juvenile prostitution evidence but no trafficking offense" in page_text  # GAP02 catalog row


def test_bar_chart_escapes_and_scales():
    svg = str(html.bar_chart([html.Bar("<b>&", 5, "#x"), html.Bar("two", 10)], "T <1>"))
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "T &lt;1&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "nothing to show" in str(html.bar_chart([], "empty"))


def test_render_plain_check_report():
    from wibrs_check.report import Report
    from wibrs_check import findings

    import pandas as pd

    text = html.render(Report(findings=findings.empty(), summary=pd.DataFrame()))
    assert "<svg" in text and "No findings." in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (apt-get install chromium)")
def test_renders_in_headless_chromium(tmp_path, page_text):
    report = tmp_path / "report.html"
    report.write_text(page_text, encoding="utf-8")
    shot = tmp_path / "report.png"
    script = Path(__file__).resolve().parents[1] / "bench" / "screenshot_report.sh"
    run = subprocess.run(["bash", str(script), str(report), str(shot)], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 2400)
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0
    assert dom.stdout.count("<svg") == 4 and 'id="chart-rejection"' in dom.stdout


def test_summary_shows_the_damaged_deliveries_and_only_rejecting_agencies_in_the_rate_chart(page_text):
    from state_month_run import small_month

    built, result = small_month(), small_month_result()
    cut = built.damaged.loc[built.damaged["path"].str.endswith(".xml"), "ori"].iloc[0]
    eds = built.damaged.loc[built.damaged["path"].str.endswith("_fbi_eds.txt"), "path"].iloc[0]
    summary = page_text[page_text.index('id="summary"'):page_text.index('id="gaps"')]
    assert "Damaged file" in summary and f'href="#agency-{cut}"' in summary
    assert "1 file could not be read" in summary and "Every record read is accounted for" in summary
    files = page_text[page_text.index('id="files"'):]
    assert eds in files and "Error Data Set" in files
    chart = summary[summary.index('id="chart-rejection"'):summary.index('id="chart-errors"')]
    rejecting = set(result.summary.loc[result.summary["rejected"] > 0, "ori"])
    assert rejecting and set(re.findall(r'href="#agency-([^"]+)"', chart)) == rejecting


def _bar_widths(svg: str, label_width: int = 150) -> list[float]:
    """Widths of the bars (they start at the label column; the legend's squares do not)."""
    return [float(w) for w in re.findall(rf'<rect x="{label_width}" y="[\d.]+" width="([\d.]+)"', svg)]


def test_trafficking_chart_bars_are_scaled_to_their_values():
    """A chart of ones used to draw every bar full width; bars now share a count axis."""
    series = [("a", "#000"), ("b", "#111")]
    ones = str(html.grouped_bar_chart([("WI1", "", [1.0, 0.0]), ("WI2", "", [1.0, 1.0])], series, "T"))
    plot = 560 - 150 - 50
    assert all(w < plot / 2 for w in _bar_widths(ones) if w) and max(_bar_widths(ones)) > 0
    mixed = str(html.grouped_bar_chart([("WI1", "", [2.0, 10.0])], series, "T"))
    small, large = _bar_widths(mixed)
    assert large == pytest.approx(5 * small)
    assert ">10<" in mixed or ">10</text>" in mixed  # the axis end is labelled


def test_top_errors_chart_names_each_error(page_text):
    from wibrs_check import spec

    result = small_month_result()
    chart = page_text[page_text.index('id="chart-errors"'):page_text.index('id="chart-trafficking"')]
    codes = result.report.findings.loc[result.report.findings["severity"] == "error", "code"].unique()
    catalog = spec.edit_catalog()
    for code in codes:
        label = f"{code} {catalog.loc[code, 'title']}"
        shown = label if len(label) <= 46 else label[:45]
        assert html.escape(shown) in chart, code


def test_findings_by_agency_lists_every_finding_with_advice_once_per_code(page_text):
    result = small_month_result()
    f = result.report.findings
    section = page_text[page_text.index('id="by-agency"'):page_text.index('id="codes"')]
    for ori, mine in f.groupby(f["ori"].fillna("")):
        start = section.index(f'id="detail-{ori or "no-ori"}"')
        end = section.find("<details id=", start + 1)
        part = section[start:end if end != -1 else len(section)]
        assert part.count("<tr><td class=\"muted\">") == len(mine), ori
        assert part.count("<strong>What to do:</strong>") == mine["code"].nunique(), ori


def test_a_gap_recommendation_is_shown_once_per_code(page_text):
    result = small_month_result()
    section = page_text[page_text.index('id="gaps"'):page_text.index('id="agencies"')]
    for (code, text), rows in result.gaps.groupby(["code", "recommendation"]):
        assert section.count(str(html.escape(text))) == 1, code
        assert section.count(f"the same as for {rows['ori'].iloc[0]} above") == len(rows) - 1

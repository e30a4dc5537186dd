"""HTML that works offline: notebook exports without code cells, and the batch's index page.

nbconvert's ``lab`` template links require.js, MathJax and mermaid from a CDN; a report opened
from a network share or a laptop without internet must not depend on them, and the reports
need none of them (figures are embedded PNG, tables are plain HTML), so those scripts are
removed. Styles are inlined by the template itself.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from llr_sim import __version__
from llr_sim.fileio import atomic_write
from llr_sim.reporting import labels, tables
from llr_sim.reporting.formats import number

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", re.IGNORECASE)


def make_offline(page: str) -> str:
    """Remove every script or stylesheet link that would load something from the network."""

    def script(match: re.Match) -> str:
        block = match.group(0)
        head = block[: block.index(">") + 1]
        loads = _EXTERNAL.search(head) or re.search(r"import\(\s*[\"']https?:", block)
        mathjax = "text/x-mathjax-config" in head.lower()
        return "" if loads or mathjax else block

    def link(match: re.Match) -> str:
        return "" if _EXTERNAL.search(match.group(0)) else match.group(0)

    return _LINK.sub(link, _SCRIPT.sub(script, page))


def external_references(page: str) -> list[str]:
    """Scripts, stylesheets or images the page would fetch from the network (for checks)."""
    found = []
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page, re.IGNORECASE):
        if _EXTERNAL.search(tag):
            found.append(tag)
    found += re.findall(r"import\(\s*[\"']https?:[^\"']*", page)
    return found


def _stray_value(output) -> bool:
    """A cell's value shown only as text (a path or a dict of paths a report call returned).

    A report shows its figures, tables and text with ``display``; a value that is left as the
    cell's last expression is no part of the report. Tables (HTML) and figures (images) are kept.
    """
    return output.get("output_type") == "execute_result" and set(output.get("data", {})) <= {
        "text/plain"
    }


def export_html(notebook: str | Path, target: str | Path, title: str = "") -> Path:
    """Export an executed notebook to HTML without its code cells, working offline."""
    import nbformat  # noqa: PLC0415 - nbconvert loads only to export
    from nbconvert import HTMLExporter  # noqa: PLC0415 - nbconvert loads only to export

    book = nbformat.read(str(notebook), as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not _stray_value(o)]
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        # The notebooks' Markdown cells are instructions for analysts; the report's own
        # headings and text are outputs, in the report's language.
        exclude_markdown=True,
    )
    resources = {"metadata": {"name": title or Path(notebook).stem}}
    body, _ = exporter.from_notebook_node(book, resources=resources)
    page = make_offline(body)
    return atomic_write(Path(target), lambda tmp: tmp.write_text(page, encoding="utf-8"))


_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.meta { color: #666; font-size: 0.9em; margin-bottom: 1.5em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { padding: 0.35em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }
th { background: #f3f3f3; text-align: center; }
td:first-child, th:first-child { text-align: left; }
.ok { color: #1a7f37; } .failed { color: #b42318; font-weight: bold; } .skipped { color: #666; }
.error { color: #b42318; font-family: monospace; font-size: 0.85em; }
a { color: #0b5cad; }
ul.links li { margin: 0.3em 0; }
"""

_WORDS = {
    "nl": {
        "title": "Rapporten llr-sim",
        "headline": "Kerncijfers per scenario",
        "reports": "Rapporten",
        "scenario": "Scenario",
        "status": "Status",
        "report": "rapport",
        "notebook": "notebook",
        "tables": "tabellen (xlsx)",
        "figures": "figuren",
        "population": "Synthetische bevolking",
        "comparison": "Vergelijking van de scenario's",
        "ok": "klaar",
        "skipped": "klaar (eerder)",
        "failed": "mislukt",
        "made": "Gemaakt",
        "none": "Geen geslaagde scenario's.",
    },
    "en": {
        "title": "llr-sim reports",
        "headline": "Headline figures per scenario",
        "reports": "Reports",
        "scenario": "Scenario",
        "status": "Status",
        "report": "report",
        "notebook": "notebook",
        "tables": "tables (xlsx)",
        "figures": "figures",
        "population": "Synthetic population",
        "comparison": "Scenario comparison",
        "ok": "done",
        "skipped": "done (earlier)",
        "failed": "failed",
        "made": "Made",
        "none": "No scenario succeeded.",
    },
}


def _links(out: Path, folder: Path, words: dict[str, str]) -> str:
    items = []
    for name, label in (("report.html", words["report"]), ("notebook.ipynb", words["notebook"])):
        if (folder / name).is_file():
            items.append(f'<a href="{_rel(out, folder / name)}">{label}</a>')
    books = sorted((folder / "tables").glob("*.xlsx")) if (folder / "tables").is_dir() else []
    if books:
        items.append(f'<a href="{_rel(out, books[0])}">{words["tables"]}</a>')
    if (folder / "figures").is_dir():
        items.append(f'<a href="{_rel(out, folder / "figures")}/">{words["figures"]}</a>')
    return " · ".join(items)


def _rel(out: Path, path: Path) -> str:
    return html.escape(path.relative_to(out).as_posix(), quote=True)


def write_index(out: Path, statuses: list[dict[str, Any]], lang: str = "nl") -> Path:
    """Write ``index.html``: the headline table and a link to every report (offline)."""
    words = _WORDS[lang]
    summaries, rows = [], []
    for s in statuses:
        folder = Path(s.get("folder", ""))
        label = {"population": words["population"], "comparison": words["comparison"]}.get(
            s["kind"], s["name"]
        )
        summary_file = folder / "run" / "summary.json"
        if s["kind"] == "scenario" and s["status"] != "failed" and summary_file.is_file():
            summary = json.loads(summary_file.read_text())
            summaries.append(summary)
            label = (summary.get("label") or {}).get(lang, s["name"])
        if s["status"] == "failed":
            failed = Path(s.get("failed_folder", folder))
            links = _links(out, failed, words) if failed.is_dir() else ""
            detail = f'<div class="error">{html.escape(s.get("error", ""))}</div>'
        else:
            links, detail = _links(out, folder, words), ""
        rows.append(
            f"<tr><td>{html.escape(label)}{detail}</td>"
            f'<td class="{s["status"]}">{words[s["status"]]}</td><td>{links}</td></tr>'
        )
    headline = (
        tables.to_html(tables.comparison(summaries, lang), lang)
        if summaries
        else f"<p>{words['none']}</p>"
    )
    meta = _meta(summaries[0] if summaries else {}, lang)
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{words["title"]}</title><style>{_CSS}</style></head>
<body>
<h1>{words["title"]}</h1>
<div class="meta">llr-sim {__version__} · {html.escape(meta)} ·
{words["made"]} {datetime.now().strftime("%Y-%m-%d %H:%M")}</div>
<h2>{words["headline"]}</h2>
{headline}
<h2>{words["reports"]}</h2>
<table>
<tr><th>{words["scenario"]}</th><th>{words["status"]}</th><th></th></tr>
{"".join(rows)}
</table>
</body>
</html>
"""
    return atomic_write(out / "index.html", lambda tmp: tmp.write_text(page, encoding="utf-8"))


def _meta(summary: dict[str, Any], lang: str) -> str:
    """The batch's settings in the page's language, e.g. ``schaal 0,02, seed 0, 2024-2030``."""
    parts = []
    if "scale" in summary:
        parts.append(f"{labels.text('scale', lang)} {number(summary['scale'], None, lang)}")
    if "seed" in summary:
        parts.append(f"{labels.text('seed', lang)} {summary['seed']}")
    if "replicates" in summary:
        n = int(summary["replicates"])
        word = labels.text("replicates", lang)
        parts.append(f"{n} {word if n != 1 else word[:-1]}")
    if summary.get("years"):
        parts.append(f"{summary['years'][0]}-{summary['years'][1]}")
    return ", ".join(parts)

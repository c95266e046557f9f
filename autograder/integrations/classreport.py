"""A class report from a graded batch: ``python -m autograder report OUT_DIR``.

Reads every ``OUT/results/**/*.json`` (the Gradescope results the batch wrote; names may be
``student/assignment``) and writes

- ``OUT/report.html``: one self-contained page (inline CSS, figures as base64 PNG data URIs,
  no script, nothing fetched: its Content-Security-Policy allows data: images only);
- ``OUT/report/*.png``: the same figures as files;
- ``OUT/mistakes.csv``: per named mistake, how many submissions made it and which.

The page shows per unit the score distribution, per test the pass rate, per named mistake who
made it ("14 of 40 made 'flipped_kernel' in conv2d"), the units most often failed first (the
first unit, in units.toml order, that a submission did not get full marks for) and how long
each submission took to grade (``execution_time``).

A test's unit, tier and mistake come from its ``extra_data`` ({"unit", "tier", "mistake"}),
else from ``tags`` = [unit, tier] (no mistake known then).
"""

from __future__ import annotations

import base64
import csv
import io
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from . import read_batch, record_meta

TEMPLATES = Path(__file__).resolve().parent / "templates"
NO_FAILURE = "(none: full marks)"


@dataclass
class PassRate:
    name: str
    unit: str
    tier: str
    passed: int = 0
    taken: int = 0

    @property
    def rate(self) -> float:
        return self.passed / self.taken if self.taken else 0.0


@dataclass
class ClassStats:
    names: list[str]  # graded submissions, sorted
    units: list[str]  # units.toml order, then any others in the order met
    unit_max: dict[str, float]
    unit_scores: dict[
        str, dict[str, float]
    ]  # unit -> {name: points}, for submissions that had the unit
    totals: dict[str, tuple[float, float]]  # name -> (score, max_score)
    tests: list[PassRate]
    mistakes: list[
        tuple[str, str, list[str]]
    ]  # (unit, mistake, names), most made first within a unit
    first_failed: dict[str, list[str]]  # unit (or NO_FAILURE) -> names, units.toml order
    times: dict[str, float | None]  # name -> execution_time (None when the file has none)
    errors: dict[str, str] = field(default_factory=dict)  # unreadable results files

    def sentence(self, unit: str, mistake: str, names: list[str]) -> str:
        return f"{len(names)} of {len(self.names)} made '{mistake}' in {unit}"


def collect(docs: dict[str, dict], errors: dict[str, str] | None = None) -> ClassStats:
    """The class's numbers from {name: results document}: a pure function of the documents."""
    try:
        from ..units import UNITS

        order = [u.id for u in UNITS]
    except Exception:  # a kit without units.toml still gets a report, units in the order met
        order = []
    names = sorted(docs)
    units = list(order)
    unit_max: dict[str, float] = {}
    unit_scores: dict[str, dict[str, float]] = {}
    unit_full: dict[str, dict[str, bool]] = {}
    tests: dict[str, PassRate] = {}
    made: dict[tuple[str, str], set[str]] = {}
    totals, times = {}, {}
    for name in names:
        doc = docs[name]
        max_total = 0.0
        per_unit_max: dict[str, float] = {}
        for t in doc.get("tests", []):
            unit, tier, mistake = record_meta(t)
            if unit not in units:
                units.append(unit)
            score, max_score = float(t.get("score", 0) or 0), float(t.get("max_score", 0) or 0)
            passed = t.get("status", "passed" if score >= max_score else "failed") == "passed"
            max_total += max_score
            per_unit_max[unit] = per_unit_max.get(unit, 0.0) + max_score
            unit_scores.setdefault(unit, {})[name] = round(
                unit_scores.get(unit, {}).get(name, 0.0) + score, 4
            )
            unit_full.setdefault(unit, {}).setdefault(name, True)
            if not passed:
                unit_full[unit][name] = False
            ts = tests.setdefault(t.get("name", "?"), PassRate(t.get("name", "?"), unit, tier))
            ts.taken += 1
            ts.passed += passed
            if mistake:
                made.setdefault((unit, mistake), set()).add(name)
        for unit, m in per_unit_max.items():
            unit_max[unit] = max(unit_max.get(unit, 0.0), round(m, 4))
        totals[name] = (float(doc.get("score", 0) or 0), round(max_total, 4))
        et = doc.get("execution_time")
        times[name] = float(et) if isinstance(et, (int, float)) else None
    units = [u for u in units if u in unit_scores]
    rank = {u: i for i, u in enumerate(units)}
    first_failed: dict[str, list[str]] = {}
    for name in names:
        first = next((u for u in units if unit_full.get(u, {}).get(name) is False), NO_FAILURE)
        first_failed.setdefault(first, []).append(name)
    first_failed = dict(sorted(first_failed.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    mistakes = sorted(
        ((u, m, sorted(ns)) for (u, m), ns in made.items()),
        key=lambda x: (rank.get(x[0], len(rank)), -len(x[2]), x[1]),
    )
    ordered_tests = sorted(
        tests.values(), key=lambda t: rank.get(t.unit, len(rank))
    )  # stable: first-met order
    return ClassStats(
        names,
        units,
        unit_max,
        unit_scores,
        totals,
        ordered_tests,
        mistakes,
        first_failed,
        times,
        dict(errors or {}),
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def figures(stats: ClassStats) -> dict[str, tuple[str, bytes]]:
    """{file name: (caption, PNG bytes)}: the total and each unit's score histogram, the
    units failed first, and the grading times."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out: dict[str, tuple[str, bytes]] = {}

    def save(fig, file, caption):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        plt.close(fig)
        out[file] = (caption, buf.getvalue())

    def histogram(values, top, title, xlabel):
        fig, ax = plt.subplots(figsize=(4.2, 2.6))
        top = top or max(values, default=1) or 1
        bins = np.linspace(0, top, 11)
        ax.hist(values, bins=bins, color="#3b6ea8", edgecolor="white")
        ax.set_xlim(0, top)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("submissions", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        return fig

    total_max = max((m for _, m in stats.totals.values()), default=0)
    save(
        histogram(
            [s for s, _ in stats.totals.values()],
            total_max,
            f"total score (n = {len(stats.names)})",
            "points",
        ),
        "total.png",
        "Total score",
    )
    for unit in stats.units:
        scores = list(stats.unit_scores.get(unit, {}).values())
        save(
            histogram(scores, stats.unit_max.get(unit, 0), f"{unit} (n = {len(scores)})", "points"),
            f"unit-{slug(unit)}.png",
            f"Score distribution: {unit}",
        )

    labels = list(stats.first_failed)
    fig, ax = plt.subplots(figsize=(5.5, 0.35 * len(labels) + 1.1))
    ax.barh(range(len(labels)), [len(stats.first_failed[k]) for k in labels], color="#c0504d")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("submissions", fontsize=8)
    ax.set_title("first unit failed (units.toml order)", fontsize=10)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    save(fig, "first-failed.png", "The unit each submission failed first")

    known = [t for t in stats.times.values() if t is not None]
    save(
        histogram(
            known, max(known, default=1) * 1.05, f"grading time (n = {len(known)})", "seconds"
        ),
        "time.png",
        "Time each submission took to grade",
    )
    return out


def render(
    stats: ClassStats, figs: dict[str, tuple[str, bytes]], title: str = "Class report"
) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    uri = {
        f: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for f, (_, png) in figs.items()
    }
    n = len(stats.names)
    units = []
    for u in stats.units:
        scores = list(stats.unit_scores.get(u, {}).values())
        top = stats.unit_max.get(u, 0)
        units.append(
            {
                "id": u,
                "max": top,
                "n": len(scores),
                "mean": statistics.fmean(scores) if scores else 0.0,
                "median": statistics.median(scores) if scores else 0.0,
                "full": sum(s >= top for s in scores),
                "figure": uri[f"unit-{slug(u)}.png"],
                "caption": figs[f"unit-{slug(u)}.png"][0],
            }
        )
    totals = [s for s, _ in stats.totals.values()]
    known = {k: v for k, v in stats.times.items() if v is not None}
    timed = sorted(
        stats.names, key=lambda k: -(stats.times[k] if stats.times[k] is not None else -1)
    )
    return env.get_template("report.html.j2").render(
        title=title,
        stats=stats,
        n=n,
        units=units,
        total_max=max((m for _, m in stats.totals.values()), default=0),
        total_mean=statistics.fmean(totals) if totals else 0.0,
        total_median=statistics.median(totals) if totals else 0.0,
        mistakes=[
            {"unit": u, "mistake": m, "names": ns, "sentence": stats.sentence(u, m, ns)}
            for u, m, ns in stats.mistakes
        ],
        first_failed=[{"unit": k, "names": v} for k, v in stats.first_failed.items()],
        timed=[{"name": k, "time": stats.times[k], "score": stats.totals[k][0]} for k in timed],
        time_median=statistics.median(known.values()) if known else None,
        time_max=max(known.values()) if known else None,
        fig=uri,
        captions={f: c for f, (c, _) in figs.items()},
    )


def write_mistakes_csv(stats: ClassStats, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit", "mistake", "submissions", "of", "sentence", "names"])
        for unit, mistake, names in stats.mistakes:
            w.writerow(
                [
                    unit,
                    mistake,
                    len(names),
                    len(stats.names),
                    stats.sentence(unit, mistake, names),
                    ";".join(names),
                ]
            )


def build_report(out_dir: Path) -> dict[str, Path]:
    """Write OUT/report.html, OUT/report/*.png and OUT/mistakes.csv; return their paths by role."""
    out_dir = Path(out_dir)
    docs, errors = read_batch(out_dir)
    if not docs:
        raise FileNotFoundError(
            f"no results files under {out_dir / 'results'} (grade a batch with --out first)"
        )
    stats = collect(docs, errors)
    figs = figures(stats)
    folder = out_dir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for file, (_, png) in figs.items():
        (folder / file).write_bytes(png)
        written[file] = folder / file
    html = render(stats, figs, title=f"Class report: {out_dir.resolve().name}")
    (out_dir / "report.html").write_text(html, encoding="utf-8")
    write_mistakes_csv(stats, out_dir / "mistakes.csv")
    written["report.html"] = out_dir / "report.html"
    written["mistakes.csv"] = out_dir / "mistakes.csv"
    return written


def cmd_report(args) -> int:
    import sys

    try:
        written = build_report(args.out_dir)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(
            f"error: the report needs {exc.name}: pip install -e '.[instructor]'", file=sys.stderr
        )
        return 2
    print(
        f"wrote {written['report.html']} (self-contained), {written['mistakes.csv']} and "
        f"{len(written) - 2} figures in {args.out_dir / 'report'}"
    )
    if args.canvas:
        from .canvas import write_import

        if not (args.canvas_column and args.canvas_id_column):
            print("error: --canvas needs --canvas-column and --canvas-id-column", file=sys.stderr)
            return 2
        return write_import(
            args.canvas,
            args.out_dir,
            args.canvas_column,
            args.canvas_id_column,
            args.out_dir / "canvas-import.csv",
        )
    return 0


def add_command(sub) -> None:
    p = sub.add_parser(
        "report", help="a class report (HTML, figures, mistakes.csv) from a graded batch's OUT_DIR"
    )
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the folder `grade --out` wrote")
    p.add_argument(
        "--canvas",
        type=Path,
        metavar="GRADEBOOK.csv",
        help="also fill this Canvas gradebook export into OUT_DIR/canvas-import.csv",
    )
    p.add_argument(
        "--canvas-column", metavar="NAME", help="the gradebook's assignment column to fill"
    )
    p.add_argument(
        "--canvas-id-column",
        metavar="NAME",
        help="the gradebook column holding what the submissions are named by (e.g. 'SIS Login ID')",
    )
    p.set_defaults(func=cmd_report)

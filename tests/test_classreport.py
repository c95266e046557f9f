"""The class report: counts from a batch of fixture results files with known answers, the
mistakes.csv, and the page itself opened in a real headless Chromium (skipped without one)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("jinja2", reason="the class report needs jinja2 (pip install -e '.[dev]')")

from autograder.integrations import classreport  # noqa: E402
from autograder.units import UNITS  # noqa: E402

N = 40
TAGS_ONLY_FROM = 35  # submissions 35..39 carry tags only (older grader output): no mistake known


def records_of(i: int) -> list[dict]:
    """Submission i's test records: every unit has a public and a hidden test (half its points each).
    conv2d fails both when i % 3 == 0 ('flipped_kernel'); max_pool's hidden test when i % 5 == 0
    ('channels_dropped'); 4.2.3's public test when i % 4 == 1 (no mistake named)."""
    records = []
    for u in UNITS:
        for tier in ("public", "hidden"):
            failed, mistake = False, None
            if u.id == "conv2d" and i % 3 == 0:
                failed, mistake = True, "flipped_kernel"
            elif u.id == "max_pool" and tier == "hidden" and i % 5 == 0:
                failed, mistake = True, "channels_dropped"
            elif u.id == "4.2.3" and tier == "public" and i % 4 == 1:
                failed = True
            half = u.points / 2
            record = {
                "name": f"{u.id}: the {tier} test" + (" (hidden)" if tier == "hidden" else ""),
                "score": 0.0 if failed else half,
                "max_score": half,
                "status": "failed" if failed else "passed",
                "output": "wrong" if failed else "",
                "visibility": "visible",
                "tags": [u.id, tier],
            }
            if i < TAGS_ONLY_FROM:
                record["extra_data"] = {"unit": u.id, "tier": tier, "mistake": mistake}
            records.append(record)
    return records


def name_of(i: int) -> str:
    return (
        f"s{i:02d}" if i < 30 else f"late/s{i:02d}"
    )  # names may hold a folder: student/assignment


def write_batch(out: Path) -> Path:
    for i in range(N):
        tests = records_of(i)
        doc = {
            "score": round(sum(t["score"] for t in tests), 4),
            "output": "",
            "tests": tests,
            "execution_time": round(0.2 + 0.01 * i, 3),
        }
        path = out / "results" / f"{name_of(i)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc))
    (out / "results" / "broken.json").write_text("{not json")  # reported, not counted
    (out / "results" / "s99.json.part").write_text("{}")  # an unfinished write: not a result
    return out


# Counted by hand from the rules in records_of (i in 0..39):
FLIPPED = [i for i in range(0, TAGS_ONLY_FROM, 3)]  # 0, 3, ..., 33: 12 (36 and 39 carry no mistake)
DROPPED = [i for i in range(0, TAGS_ONLY_FROM, 5)]  # 0, 5, ..., 30: 7
FIRST_FAILED = {"conv2d": 14, "max_pool": 5, "4.2.3": 5, classreport.NO_FAILURE: 16}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = write_batch(tmp_path_factory.mktemp("graded"))
    written = classreport.build_report(out)
    return out, written


def test_the_hand_counts_hold():
    assert (len(FLIPPED), len(DROPPED)) == (12, 7)
    assert sum(FIRST_FAILED.values()) == N


def test_mistakes_csv_counts(batch):
    out, _ = batch
    rows = list(csv.DictReader(open(out / "mistakes.csv", newline="", encoding="utf-8")))
    assert [(r["unit"], r["mistake"]) for r in rows] == [
        ("conv2d", "flipped_kernel"),
        ("max_pool", "channels_dropped"),
    ]
    flipped, dropped = rows
    assert int(flipped["submissions"]) == 12 and int(flipped["of"]) == N
    assert flipped["sentence"] == "12 of 40 made 'flipped_kernel' in conv2d"
    assert flipped["names"].split(";") == sorted(name_of(i) for i in FLIPPED)
    assert int(dropped["submissions"]) == 7 and dropped["names"].split(";") == sorted(
        name_of(i) for i in DROPPED
    )


def test_collected_numbers(batch):
    out, _ = batch
    docs, errors = classreport.read_batch(out)
    stats = classreport.collect(docs, errors)
    assert len(stats.names) == N and "late/s35" in stats.names
    assert list(errors) == ["broken"]
    assert {k: len(v) for k, v in stats.first_failed.items()} == FIRST_FAILED
    assert list(stats.first_failed)[:3] == ["conv2d", "max_pool", "4.2.3"]  # units.toml order
    rates = {t.name: (t.passed, t.taken) for t in stats.tests}
    assert rates["conv2d: the public test"] == (26, 40)
    assert rates["max_pool: the hidden test (hidden)"] == (32, 40)
    assert rates["4.2.3: the public test"] == (30, 40)
    assert stats.units == [u.id for u in UNITS]
    assert sorted(stats.unit_scores["conv2d"].values()).count(0.0) == 14
    assert stats.times["s00"] == pytest.approx(0.2) and stats.times["late/s39"] == pytest.approx(
        0.59
    )


def test_files_written(batch):
    out, written = batch
    pngs = sorted(p.name for p in (out / "report").glob("*.png"))
    assert pngs == sorted(
        ["total.png", "first-failed.png", "time.png"]
        + [f"unit-{classreport.slug(u.id)}.png" for u in UNITS]
    )
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in (out / "report").glob("*.png"))
    html = (out / "report.html").read_text()
    # Self-contained: every image is a data URI, nothing is fetched, no script.
    assert html.count("<img ") == len(pngs)
    assert all(
        src.startswith("data:image/png;base64,") for src in re.findall(r'<img src="([^"]*)"', html)
    )
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html) and "<script" not in html
    assert "12 of 40 made &#39;flipped_kernel&#39; in conv2d" in html
    # The page's pictures are the files' bytes.
    import base64

    first = re.search(r'<img src="data:image/png;base64,([^"]*)" alt="Total score"', html).group(1)
    assert base64.b64decode(first) == (out / "report" / "total.png").read_bytes()


def test_report_command_through_argparse(tmp_path):
    out = write_batch(tmp_path / "graded")
    parser = argparse.ArgumentParser()
    classreport.add_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["report", str(out)])
    assert args.func(args) == 0 and (out / "report.html").is_file()
    empty = parser.parse_args(["report", str(tmp_path / "nothing")])
    assert empty.func(empty) == 2


# --- the page in a real browser -------------------------------------------------------------

CHECK_SCRIPT = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var cells = function (sel) {
    var o = {};
    document.querySelectorAll(sel).forEach(function (r) {
      o[r.dataset.mistake || r.dataset.unit] = r.querySelector('.count').innerText.trim();
    });
    return o;
  };
  var out = document.createElement('pre');
  out.id = 'browser-check';
  out.textContent = JSON.stringify({
    images: imgs.map(function (i) { return [i.complete, i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]; }),
    submissions: document.getElementById('n-submissions').innerText.trim(),
    mistakes: cells('#mistakes tbody tr'),
    sentences: Array.prototype.map.call(document.querySelectorAll('#mistakes .sentence'), function (s) { return s.innerText; }),
    first_failed: cells('#first-failed tbody tr'),
    conv2d_public: document.querySelector('#tests tr[data-test="conv2d: the public test"] .passed').innerText.trim()
  });
  document.body.appendChild(out);
});
</script>"""


def chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def run_chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(dir=tmp, prefix="profile-")
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp)},
    )


@pytest.mark.skipif(
    chromium() is None,
    reason="no chromium here (Debian: apt-get install -y chromium): "
    "the report is not opened in a browser",
)
@pytest.mark.slow
def test_report_in_a_real_browser(batch, tmp_path):
    out, _ = batch
    html = (out / "report.html").read_text()
    # The shipped page has no script and a CSP that forbids one: the check's copy allows its own.
    assert "default-src 'none'" in html
    page = tmp_path / "check.html"
    page.write_text(
        html.replace(
            "default-src 'none'", "default-src 'none'; script-src 'unsafe-inline'"
        ).replace("</body>", CHECK_SCRIPT + "\n</body>")
    )
    proc = run_chromium(["--dump-dom", page.as_uri()], tmp_path)
    found = re.search(r'<pre id="browser-check">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"the check script did not run: {proc.stderr[-2000:]}"
    seen = json.loads(
        found.group(1)
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
    )
    pngs = len(list((out / "report").glob("*.png")))
    assert len(seen["images"]) == pngs
    assert all(
        complete and w > 0 and h > 0 and shown > 0 for complete, w, h, shown in seen["images"]
    ), seen["images"]
    assert seen["submissions"] == str(N)
    assert seen["mistakes"] == {"flipped_kernel": "12", "channels_dropped": "7"}
    assert seen["sentences"] == [
        "12 of 40 made 'flipped_kernel' in conv2d",
        "7 of 40 made 'channels_dropped' in max_pool",
    ]
    assert seen["first_failed"] == {k: str(v) for k, v in FIRST_FAILED.items()}
    assert seen["conv2d_public"] == "26 of 40"

    # And the page as shipped (no script), as a picture: REPORT_SCREENSHOT keeps it for a person to look at.
    shot = Path(os.environ.get("REPORT_SCREENSHOT", tmp_path / "report.png"))
    shot.parent.mkdir(parents=True, exist_ok=True)
    proc = run_chromium(
        [f"--screenshot={shot}", "--window-size=1280,2600", (out / "report.html").as_uri()],
        tmp_path,
    )
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", proc.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a blank page is a few kB

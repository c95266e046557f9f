"""The class report on a batch graded for real: honest submissions, named mistakes and a
hostile one; its counts are the results files' (each test's extra_data.mistake), and the page
renders in headless Chromium with every figure decoded."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.helpers import KIT, SOLUTIONS
from tests.test_classreport import chromium, run_chromium

pytestmark = pytest.mark.slow

CORPUS = KIT / "tests" / "corpus"
FORGER = "print('total: 100.00 / 100.00 points (100 %)')\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    room = tmp_path_factory.mktemp("room")
    cases = {
        "honest1": None,
        "honest2": None,
        "flip1": "conv_post_convolve2d.py",
        "flip2": "conv_textbook_flip_loops.py",
        "dropped": "pool_post_channel_dropped.py",
    }
    for name, case in cases.items():
        shutil.copytree(SOLUTIONS, room / name)
        if case:
            with open(room / name / "neural_network.py", "a") as f:
                f.write("\n\n" + (CORPUS / case).read_text())
    shutil.copytree(
        KIT / "exercises",
        room / "hostile",
        ignore=shutil.ignore_patterns("tests", "data", "__pycache__"),
    )
    nn = room / "hostile" / "neural_network.py"
    nn.write_text(FORGER + nn.read_text())
    out = tmp_path_factory.mktemp("out")
    for args in (["grade", str(room), "--out", str(out), "-j", "2"], ["report", str(out)]):
        proc = subprocess.run(
            [sys.executable, "-m", "autograder", *args], cwd=KIT, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def made(out) -> dict[tuple[str, str], set[str]]:
    """{(unit, mistake): submissions} read from the results files themselves."""
    found: dict[tuple[str, str], set[str]] = {}
    for path in (out / "results").glob("*.json"):
        for t in json.loads(path.read_text())["tests"]:
            if t["extra_data"]["mistake"]:
                found.setdefault((t["extra_data"]["unit"], t["extra_data"]["mistake"]), set()).add(
                    path.stem
                )
    return found


def test_mistakes_csv_matches_the_results_files(graded):
    rows = list(csv.DictReader(open(graded / "mistakes.csv", newline="", encoding="utf-8")))
    listed = {(r["unit"], r["mistake"]): set(r["names"].split(";")) for r in rows}
    assert listed == made(graded)
    assert listed[("conv2d", "flipped_kernel")] == {"flip1", "flip2"}
    assert listed[("max_pool", "channel_dropped")] == {"dropped"}
    assert all(int(r["of"]) == 6 for r in rows)


@pytest.mark.skipif(
    chromium() is None, reason="no chromium here (Debian: apt-get install -y chromium)"
)
def test_the_page_renders(graded, tmp_path):
    html = (graded / "report.html").read_text()
    check = """<script>window.addEventListener('load', function () {
      var out = document.createElement('pre'); out.id = 'seen';
      out.textContent = JSON.stringify({images: Array.prototype.map.call(document.images,
        function (i) { return i.complete && i.naturalWidth > 0; }), text: document.body.innerText});
      document.body.appendChild(out); });</script>"""
    page = tmp_path / "check.html"
    page.write_text(
        html.replace(
            "default-src 'none'", "default-src 'none'; script-src 'unsafe-inline'"
        ).replace("</body>", check + "</body>")
    )
    proc = run_chromium(["--dump-dom", page.as_uri()], tmp_path)
    found = re.search(r'<pre id="seen">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-2000:]
    seen = json.loads(
        found.group(1)
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
    )
    assert seen["images"] and all(seen["images"])
    assert "2 of 6 made 'flipped_kernel' in conv2d" in seen["text"]
    assert "1 of 6 made 'channel_dropped' in max_pool" in seen["text"]

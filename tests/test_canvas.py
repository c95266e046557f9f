"""Canvas gradebook round trip: every column and row of the export kept, exactly the matched
students' cells of the named assignment filled (scaled to its Points Possible), the rest listed."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest

from autograder.integrations import canvas, classreport
from autograder.integrations.canvas import fill_canvas

HEADER = [
    "Student",
    "ID",
    "SIS User ID",
    "SIS Login ID",
    "Section",
    "Quiz 1 (101)",
    "CNN kit (202)",
    "Current Points",
    "Final Points",
    "Current Score",
    "Unposted Current Score",
    "Final Score",
]
EXPORT = [
    HEADER,
    [
        "    Points Possible",
        "",
        "",
        "",
        "",
        "5.00",
        "10.00",
        "(read only)",
        "(read only)",
        "(read only)",
        "(read only)",
        "(read only)",
    ],
    ["", "", "", "", "", "", "Manual Posting", "", "", "", "", ""],
    [
        "Lovelace, Ada",
        "1001",
        "S1001",
        "ada",
        "Lab A",
        "5.00",
        "",
        "5.00",
        "5.00",
        "100.00",
        "100.00",
        "33.33",
    ],
    [
        "Turing, Alan",
        "1002",
        "S1002",
        "Alan",
        "Lab A",
        "4.00",
        "3.00",
        "7.00",
        "7.00",
        "46.67",
        "46.67",
        "46.67",
    ],
    ["Hopper, Grace", "1003", "S1003", "grace", "Lab B", "", "", "", "", "", "", ""],
    [
        "Noether, Emmy",
        "1004",
        "S1004",
        "emmy",
        "Lab B",
        "3.50",
        "",
        "3.50",
        "3.50",
        "70.00",
        "70.00",
        "23.33",
    ],
    ["Student, Test", "1005", "", "", "Lab B", "", "", "", "", "", "", ""],
]
# Submission name -> (score, max_score). 'alan' matches 'Alan' (no case); 'grace' has two
# submissions (grace/part4_2, grace/part4_3): ambiguous; 'zed' has no student; emmy has none.
BATCH = {
    "ada": (87.5, 100),
    "alan": (40, 100),
    "grace/part4_2": (44, 44),
    "grace/part4_3": (20, 56),
    "zed": (100, 100),
}


def write_batch(out):
    for name, (score, top) in BATCH.items():
        path = out / "results" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "score": score,
                    "tests": [
                        {
                            "name": "conv2d: a",
                            "score": score,
                            "max_score": top,
                            "status": "passed" if score == top else "failed",
                            "output": "",
                        }
                    ],
                }
            )
        )
    return out


def write_export(path, rows=EXPORT, bom=False, newline="\r\n"):
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode())
    return path


def read(path):
    raw = path.read_bytes()
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))), raw


@pytest.mark.parametrize("bom, newline", [(False, "\r\n"), (True, "\n")])
def test_round_trip_fills_exactly_the_matched_cells(tmp_path, bom, newline):
    out = write_batch(tmp_path / "graded")
    gradebook = write_export(tmp_path / "export.csv", bom=bom, newline=newline)
    target = tmp_path / "import.csv"
    result = fill_canvas(gradebook, out, "CNN kit", "SIS Login ID", target)

    after, raw = read(target)
    assert raw.startswith(b"\xef\xbb\xbf") == bom  # the export's encoding kept
    assert (b"\r\n" in raw) == (newline == "\r\n")
    assert len(after) == len(EXPORT) and after[0] == HEADER  # every row and column kept, in order
    col = HEADER.index("CNN kit (202)")
    changed = {
        (r, c) for r, row in enumerate(EXPORT) for c in range(len(row)) if after[r][c] != row[c]
    }
    assert changed == {(3, col), (4, col)}  # Ada's and Alan's cells, nothing else
    assert after[3][col] == "8.75" and after[4][col] == "4"  # 87.5 % and 40 % of 10 points possible
    assert result.filled == {"ada": "8.75", "Alan": "4"}
    assert result.points_possible == 10 and result.column == "CNN kit (202)"
    assert result.unmatched_students == [
        "emmy"
    ]  # the test student has no login id: not a student row here
    assert result.ambiguous == {"grace": ["grace/part4_2", "grace/part4_3"]}
    assert result.unmatched_submissions == ["zed"]
    text = result.summary(target)
    assert (
        "2 scores in 'CNN kit (202)'" in text
        and "emmy" in text
        and "zed" in text
        and "grace" in text
    )


def test_by_canvas_id_and_without_points_possible(tmp_path):
    rows = [r[:] for r in EXPORT if r[0].strip() != "Points Possible"]
    rows[2][1] = "ada"  # Ada; submissions named by Canvas's ID column
    out = write_batch(tmp_path / "graded")
    result = fill_canvas(
        write_export(tmp_path / "e.csv", rows), out, "CNN kit (202)", "ID", tmp_path / "i.csv"
    )
    after, _ = read(tmp_path / "i.csv")
    assert result.points_possible is None and after[2][6] == "87.5"  # the batch's points, unscaled
    assert result.filled == {"ada": "87.5"}


def test_unknown_columns_are_named(tmp_path):
    out = write_batch(tmp_path / "graded")
    gradebook = write_export(tmp_path / "export.csv")
    with pytest.raises(KeyError, match="no assignment column 'Lab 9'.*'CNN kit \\(202\\)'"):
        fill_canvas(gradebook, out, "Lab 9", "SIS Login ID", tmp_path / "x.csv")
    with pytest.raises(KeyError, match="student id column 'Email'"):
        fill_canvas(gradebook, out, "CNN kit", "Email", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_commands_through_argparse(tmp_path, capsys):
    out = write_batch(tmp_path / "graded")
    gradebook = write_export(tmp_path / "export.csv")
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    canvas.add_command(sub)
    classreport.add_command(sub)
    args = parser.parse_args(
        ["canvas", str(gradebook), str(out), "--column", "CNN kit", "--id-column", "SIS Login ID"]
    )
    assert args.func(args) == 0 and (out / "canvas-import.csv").is_file()
    bad = parser.parse_args(
        ["canvas", str(gradebook), str(out), "--column", "nope", "--id-column", "SIS Login ID"]
    )
    assert bad.func(bad) == 2
    pytest.importorskip("jinja2")
    (out / "canvas-import.csv").unlink()
    args = parser.parse_args(
        [
            "report",
            str(out),
            "--canvas",
            str(gradebook),
            "--canvas-column",
            "CNN kit",
            "--canvas-id-column",
            "SIS Login ID",
        ]
    )
    assert args.func(args) == 0
    after, _ = read(out / "canvas-import.csv")
    assert after[3][6] == "8.75"
    assert "2 scores in 'CNN kit (202)'" in capsys.readouterr().out

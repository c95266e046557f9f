"""python -m autograder: grade submissions, keep the stubs in step with the solutions."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .grading import CONVENTIONS
from .paths import EXERCISES, SOLUTIONS
from .report import HIDDEN_VISIBILITY


def cmd_grade(args) -> int:
    import importlib.util

    if importlib.util.find_spec("reference") is None:  # (imported below, after the fork server)
        print(
            "error: grading needs the instructor's copy of the kit (with reference/); this is a learner's "
            "copy: use `pytest exercises` or `python -m autograder status`.",
            file=sys.stderr,
        )
        return 2

    from .run.environment import missing_minimum, refusal

    if refusal() and not args.unconfined:
        print(f"error: {refusal()}", file=sys.stderr)
        return 2
    if not args.nbgrader and len(args.submission) == 1 and not args.out:
        # One submission (Gradescope): the fork server loads numpy and matplotlib (about 1 s)
        # while this process imports the grader and prepares.
        from .run.forkserver import CPU_SECONDS, Zygote

        Zygote.get(args.memory_mb, CPU_SECONDS)
    args.unconfined_missing = "; ".join(missing_minimum()) if args.unconfined else ""
    if args.unconfined_missing:
        print(
            f"WARNING: grading UNCONFINED, without {args.unconfined_missing}; every results file says so.",
            file=sys.stderr,
        )
    if args.nbgrader:
        return cmd_grade_course(args)
    if not args.submission:
        print(
            "error: give a submission folder (or several with --out), or --nbgrader COURSE_DIR",
            file=sys.stderr,
        )
        return 2
    missing = [p for p in args.submission if not p.is_dir()]
    if missing:
        print(
            f"error: {missing[0]} is not a folder; pass folders laid out like exercises/.",
            file=sys.stderr,
        )
        return 2
    options = dict(
        convention=args.convention,
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        hidden=not args.public_only,
    )
    if args.out or len(args.submission) > 1:
        return cmd_batch(
            args,
            {
                **options,
                "hidden_visibility": args.hidden_visibility,
                "unconfined": args.unconfined_missing,
            },
        )
    submission = args.submission[0]
    start = time.monotonic()
    from .grading.grade import grade
    from .report import results_json, table

    results = grade(submission, **options)
    elapsed = time.monotonic() - start
    from .run.runner import isolation_summary

    print(f"Grading {submission} (convention: {args.convention})\nworker: {isolation_summary()}\n")
    if args.unconfined_missing:
        print(f"UNCONFINED: the submitted code ran without {args.unconfined_missing}.\n")
    if args.feedback:
        from .learner.pictures import draw, picture_path

        for r in results:
            if not r.passed:
                path = draw(
                    r,
                    picture_path(args.feedback, r),
                    reveal=r.test.tier == "public" or args.feedback_reveal,
                )
                if path is not None:
                    r.message += f" (picture: {path})"
    print(table(results))
    print(f"\ngraded in {elapsed:.1f} s")
    if args.json:
        from .report import write_atomic

        doc = results_json(results, elapsed, args.hidden_visibility, args.unconfined_missing)
        try:
            write_atomic(args.json, json.dumps(doc, indent=2) + "\n")
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"results written to {args.json}")
    return 0  # grading finished, whatever the score


def cmd_grade_course(args) -> int:
    try:
        from .integrations.gradebook import grade_course
    except ImportError:
        print("error: --nbgrader needs nbgrader installed (pip install nbgrader)", file=sys.stderr)
        return 2
    if args.submission:
        print(
            "error: with --nbgrader, give no submission folders: they are read from COURSE_DIR/submitted/",
            file=sys.stderr,
        )
        return 2
    if not (args.nbgrader / "nbgrader_config.py").is_file():
        print(
            f"error: {args.nbgrader} has no nbgrader_config.py; give the course folder "
            "(python -m autograder nbgrader COURSE_DIR writes one)",
            file=sys.stderr,
        )
        return 2
    from .run.runner import isolation_summary

    print(f"worker: {isolation_summary()}", file=sys.stderr)
    start = time.monotonic()
    try:
        outcome = grade_course(
            args.nbgrader,
            args.assignment,
            args.student,
            out=args.out,
            jobs=args.jobs,
            convention=args.convention,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            hidden=not args.public_only,
        )
    except LookupError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    print(f"{'submission':<30} score")
    for name, score in outcome.items():
        print(f"{name:<30} {score if isinstance(score, str) else f'{score:g}'}")
    graded = sum(not isinstance(s, str) for s in outcome.values())
    print(
        f"\n{graded} of {len(outcome)} submissions graded in the sandbox in {time.monotonic() - start:.1f} s; "
        f"scores written to the gradebook, feedback pages to {args.nbgrader}/feedback/. "
        f"Next: `nbgrader export` or `nbgrader release_feedback` in {args.nbgrader}."
    )
    return 0


def cmd_batch(args, options) -> int:
    from .batch import run_batch

    if not args.out:
        print("error: grading several submissions needs --out DIR", file=sys.stderr)
        return 2
    from .run.runner import isolation_summary

    print(f"worker: {isolation_summary()}", file=sys.stderr)
    start = time.monotonic()
    from .report import UnsafeTarget

    try:
        counts = run_batch(args.submission, args.out, jobs=args.jobs, **options)
    except KeyboardInterrupt as exc:
        print(
            "\ninterrupted: finished submissions are saved; run the same command again to go on.",
            file=sys.stderr,
        )
        return 128 + (exc.args[0] if exc.args and isinstance(exc.args[0], int) else 2)
    except UnsafeTarget as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - start
    print(
        f"{counts['submissions']} submissions: {counts['graded']} graded now, {counts['skipped']} already "
        f"graded, {len(counts['errors'])} grader errors, in {elapsed:.1f} s with -j {args.jobs}"
    )
    for name, error in counts["errors"].items():
        print(f"  grader error on {name}: {error}")
    print(f"results: {args.out / 'results'}/<name>.json, summary: {args.out / 'summary.csv'}")
    return 0


def cmd_gradescope(args) -> int:
    from .integrations.gradescope import build

    names = build(args.zip)
    print(
        f"wrote {args.zip}: {len(names)} files (setup.sh, run_autograder, the grader, the reference, "
        "the MNIST sample). Upload it as the assignment's autograder on Gradescope."
    )
    return 0


def cmd_status(args) -> int:
    from .learner.commands import public_results, show_status

    show_status(public_results(args.submission))
    return 0


def cmd_hint(args) -> int:
    from .learner.commands import hint

    print(hint(args.submission, args.unit, reset=args.reset))
    return 0


def cmd_watch(args) -> int:
    from .learner.commands import watch

    watch(args.submission, clear=not args.no_clear)
    return 0


def cmd_server(args) -> int:
    from .learner import server

    if args.stop:
        print(f"stopped {server.stop_servers()} warm server(s)")
        return 0
    folder = server.socket_dir()
    running = sorted(folder.glob("*.sock")) if folder else []
    state = "on" if server.enabled() else "off (NNKIT_SERVER=0, or not Linux)"
    print(f"warm server: {state}; {len(running)} running" + (f" in {folder}" if running else ""))
    return 0


def cmd_compare(args) -> int:
    from .learner.commands import compare
    from .units import BY_ID

    if args.unit not in BY_ID:
        print(f"error: no unit {args.unit!r}; units: {', '.join(BY_ID)}", file=sys.stderr)
        return 2
    if not SOLUTIONS.is_dir():
        print(
            "error: this copy of the kit has no solutions/ folder to compare with", file=sys.stderr
        )
        return 2
    print(compare(args.submission, args.unit, args.feedback))
    return 0


def cmd_release(args) -> int:
    from .integrations.release import build

    if args.out.exists():
        print(f"error: {args.out} exists; give a new folder", file=sys.stderr)
        return 2
    files = build(args.out)
    print(
        f"wrote {args.out}: {len(files)} files for learners (stubs, public tests, checks, MNIST sample; "
        "no reference, solutions or hidden tests)"
    )
    return 0


def cmd_nbgrader(args) -> int:
    from .integrations.nbgrader import write_course

    for path in write_course(args.course):
        print(f"wrote {path}")
    print(
        f"then, in {args.course}: nbgrader generate_assignment part4_2 (and part4_3), release, collect, "
        "autograde, generate_feedback"
    )
    return 0


def cmd_stubs(args) -> int:
    from .stubs import out_of_date, write_stubs

    solutions, exercises = SOLUTIONS, EXERCISES
    if args.write:
        written = write_stubs(solutions, exercises)
        print("\n".join(f"wrote exercises/{n}" for n in written) or "stubs already up to date")
        return 0
    stale = out_of_date(solutions, exercises)
    print(
        "\n".join(f"exercises/{n} differs from its solution's stub" for n in stale)
        or "stubs up to date"
    )
    return 1 if stale else 0


def cmd_check(args) -> int:
    from .check import check_course

    problems = check_course()
    for problem in problems:
        print(f"problem: {problem}")
    print(
        f"course check: {len(problems)} problem(s)"
        if problems
        else "course check: units, folders, hints, defaults, solutions and stubs agree"
    )
    return 1 if problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser(
        "grade", help="grade a submission folder (laid out like exercises/), or many"
    )
    g.add_argument(
        "submission",
        type=Path,
        nargs="*",
        help="a submission folder (.py files laid out like exercises/, or nbgrader notebooks); "
        "with --out, several, or folders of submission folders",
    )
    g.add_argument(
        "--nbgrader",
        type=Path,
        metavar="COURSE_DIR",
        help="grade the course's submitted/<student>/<assignment>/ notebooks in the sandbox and "
        "write the scores into its gradebook (instead of nbgrader autograde)",
    )
    g.add_argument(
        "--assignment", action="append", help="with --nbgrader: only this assignment (repeatable)"
    )
    g.add_argument(
        "--student", action="append", help="with --nbgrader: only this student (repeatable)"
    )
    g.add_argument(
        "--json", type=Path, help="write Gradescope's results.json schema here (one submission)"
    )
    g.add_argument(
        "--out",
        type=Path,
        help="batch: write OUT/results/<name>.json and OUT/summary.csv; "
        "a re-run skips what is already graded",
    )
    g.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        help="batch: submissions graded in parallel (default 1)",
    )
    g.add_argument(
        "--convention",
        choices=CONVENTIONS,
        default="correlation",
        help="what conv2d must compute: cross-correlation as Part 4.2's formula (default), "
        "true convolution as the post's scipy.signal.convolve2d call, or either",
    )
    g.add_argument(
        "--timeout", type=float, default=10.0, help="seconds allowed per call (default 10)"
    )
    g.add_argument(
        "--memory-mb", type=int, default=2048, help="memory cap of the worker (default 2048)"
    )
    g.add_argument("--public-only", action="store_true", help="skip the hidden tests")
    g.add_argument(
        "--hidden-visibility",
        choices=HIDDEN_VISIBILITY,
        default="after_due_date",
        help="when learners see hidden tests' results on Gradescope (default after_due_date, so "
        "feedback cannot be used to probe them before the deadline)",
    )
    g.add_argument(
        "--feedback",
        type=Path,
        metavar="DIR",
        help="write a PNG per failed check (input, expected, yours, difference) into DIR",
    )
    g.add_argument(
        "--feedback-reveal",
        action="store_true",
        help="let hidden tests' pictures show the expected values too (off: learners never see them)",
    )
    g.add_argument(
        "--unconfined",
        action="store_true",
        help="grade even where the minimum confinement cannot be had (the grader refuses by default "
        "and says what is missing); every results file is then marked unconfined",
    )
    g.set_defaults(func=cmd_grade)

    z = sub.add_parser(
        "gradescope",
        help="build a Gradescope autograder zip (holds the reference: not for learners)",
    )
    z.add_argument("zip", type=Path)
    z.set_defaults(func=cmd_gradescope)

    def learner_parser(name, help_text):
        p = sub.add_parser(name, help=help_text)
        p.add_argument(
            "--submission", type=Path, default=EXERCISES, help="your folder (default: exercises/)"
        )
        return p

    st = learner_parser(
        "status", "where you stand: every unit done / failing / not started, and what is next"
    )
    st.set_defaults(func=cmd_status)
    h = learner_parser("hint", "the next hint for a unit (conv2d, max_pool, 4.2.1 ... 4.3.cnn)")
    h.add_argument("unit")
    h.add_argument("--reset", action="store_true", help="hide this unit's hints again")
    h.set_defaults(func=cmd_hint)
    w = learner_parser("watch", "re-run the public tests of each file you save; Ctrl-C stops")
    w.add_argument("--no-clear", action="store_true", help="do not clear the screen between runs")
    w.set_defaults(func=cmd_watch)
    cp = learner_parser(
        "compare", "your output next to the worked solution's, on the public inputs"
    )
    cp.add_argument("unit")
    cp.add_argument(
        "--feedback",
        type=Path,
        default=Path("feedback"),
        help="folder for pictures (default feedback/)",
    )
    cp.set_defaults(func=cmd_compare)

    sv = sub.add_parser(
        "server",
        help="the warm server that `pytest exercises` starts (it ends after 10 idle minutes): "
        "whether it runs; --stop ends it",
    )
    sv.add_argument("--stop", action="store_true", help="end this user's warm servers now")
    sv.set_defaults(func=cmd_server)

    r = sub.add_parser(
        "release", help="write the learners' copy: no reference, solutions or hidden tests"
    )
    r.add_argument("out", type=Path)
    r.set_defaults(func=cmd_release)

    nb = sub.add_parser(
        "nbgrader", help="write an nbgrader course (source notebooks, config) from the kit"
    )
    nb.add_argument("course", type=Path)
    nb.set_defaults(func=cmd_nbgrader)

    ck = sub.add_parser(
        "check",
        help="check the course in seconds: units.toml, every unit's folder, hints, "
        "solutions and stubs agree (no workers)",
    )
    ck.set_defaults(func=cmd_check)

    s = sub.add_parser(
        "stubs", help="check (or --write) exercises/ stubs generated from solutions/"
    )
    s.add_argument("--write", action="store_true")
    s.set_defaults(func=cmd_stubs)

    from .integrations import add_commands  # report, prairielearn, workflow, canvas

    add_commands(sub)
    args = parser.parse_args(argv)
    if (
        args.func is cmd_grade
    ):  # SIGTERM stops grading as Ctrl-C does: finished results kept, nothing left running
        import signal

        def interrupted(signum, frame):
            raise KeyboardInterrupt(signum)

        signal.signal(signal.SIGTERM, interrupted)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

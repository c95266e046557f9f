"""Sentences for calls that did not return a value (an exception, a hang, a crash, ...) and
for inputs changed in place. ``outcome`` is read by attribute (status, value, detail, modified)."""

from __future__ import annotations

import re

from .arrays import Failure


def value_of(outcome, call: str, unit_file: str):
    """The returned Value, or a Failure saying why there is none."""
    d = outcome.detail
    if outcome.status == "ok" and outcome.value is not None:
        return outcome.value
    where = f" ({d['where']})" if d.get("where") else ""
    sentences = {
        "not_implemented": (
            f"{d.get('function') or call.split('(')[0]} is not implemented yet: fill in its body in "
            f"{d.get('file') or unit_file} (it raises NotImplementedError at line {d.get('line') or '?'})."
        ),
        "missing_file": (
            f"{unit_file} is {'a directory, not a file' if d.get('detail') == 'a directory' else 'missing'} "
            f"in the submission, so {call.split('(')[0]} could not be graded."
        ),
        "missing_function": (
            f"{unit_file} has no function named {call.split('(')[0]}: keep the name and signature of the stub."
        ),
        "refused_file": (
            f"{d.get('file') or unit_file} in the submission is {d.get('what')}, so it was not graded: submit "
            "the source file itself, a regular file (not a link, a folder or a pipe) of at most 1 MiB."
        ),
        "syntax_error": (
            f"{d.get('file') or unit_file} has a syntax error at line {d.get('line')}: {d.get('message')}. "
            "Python could not load it, so nothing in it could be graded."
        ),
        "import_error": (
            f"Importing {unit_file} raised {d.get('type')}: {d.get('message')}{where}. Code at the top level "
            "of a file runs on import; keep it inside functions."
        ),
        "raised": f"Calling {call} raised {d.get('type')}: {d.get('message')}{where}.",
        "timeout": (
            f"{call} took longer than {d.get('seconds')} s and was stopped{where}: "
            "is there a loop that never ends?"
        ),
        "crashed": (
            f"The Python process running {call} died (exit status {d.get('returncode')}) before it returned: "
            "too much memory, or os._exit / a crash in native code."
        ),
        "bad_reply": f"{call} returned something the grader could not read back (too large or malformed).",
        "memory": (
            f"{call} used more than the {d.get('memory_mb')} MiB of memory allowed and was stopped{where}: "
            "is an array far larger than needed being made?"
        ),
        "cpu": f"{call} used more than {d.get('seconds')} s of CPU time and was stopped.",
        "no_worker": f"The grader could not start a process to run {call}: {d.get('error')}. This is not your code's fault.",
    }
    missing = _missing_package(d) if outcome.status in ("import_error", "raised") else None
    if missing:
        raise Failure(
            f"{d.get('file') or unit_file} uses the package {missing}{where}, which the grader does not "
            "have: use numpy (and scipy) only.",
            "missing_package",
        )
    raise Failure(
        sentences.get(outcome.status, f"{call} did not return normally ({outcome.status}).")
    )


def _missing_package(d: dict) -> str | None:
    """The top-level package an ImportError says is missing ("skimage"), if it is one."""
    if d.get("type") not in ("ModuleNotFoundError", "ImportError"):
        return None
    match = re.search(r"No module named '([\w.]+)'", str(d.get("message", "")))
    return match.group(1).split(".")[0] if match else None


def check_unmodified(outcome, call: str) -> None:
    if outcome.modified:
        names = " and ".join(outcome.modified)
        raise Failure(
            f"{call} changed its input {names} in place. Callers reuse their arrays: work on a copy "
            "(e.g. X.astype(float)) or write into a new output array."
        )

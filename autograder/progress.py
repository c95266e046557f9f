"""Progress for long runs (a batch, the learner's test runs): rich's bar on a terminal, one
plain line per item elsewhere (logs, CI, a pipe)."""

from __future__ import annotations

import sys


class Progress:
    """``with Progress(total, what, stream) as bar: bar.step("item: how it went")``."""

    def __init__(self, total: int, what: str, stream=sys.stderr):
        self.total, self.what, self.stream, self.n = total, what, stream, 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._bar = None

    def __enter__(self):
        if self.tty and self.total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[last]}"),
                console=Console(file=self.stream),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.what, total=self.total, last="")
        return self

    def step(self, line: str) -> None:
        self.n += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, last=line[:60])
        else:
            print(f"[{self.n}/{self.total}] {line}", file=self.stream, flush=True)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

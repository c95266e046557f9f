"""Progress for long runs (a batch, the learner's test runs): rich's bar on a terminal, one
plain line per item elsewhere (logs, CI, a pipe); the learner's progress table on a terminal."""

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


STATE_STYLE = {"done": "green", "failing": "red", "not started": "dim"}


def status_table(
    stream, header: str, earned: float, total: float, columns, rows, after, clear: bool = False
) -> None:
    """The learner's progress table, drawn by rich on a terminal (``stream`` is one): the
    header, a bar of points, one row per unit (its state coloured), then ``after``'s lines."""
    from rich.console import Console
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    if clear:
        console.clear()
    if header:
        console.print(Text(header))
    bar = Table.grid(padding=(0, 1))
    bar.add_row(
        "Progress",
        ProgressBar(total=total or 1, completed=earned, width=30),
        Text(f"{earned:.0f} / {total:.0f} points (public tests)"),
    )
    console.print(bar)
    table = Table(*columns, box=None, pad_edge=False)
    for row in rows:
        table.add_row(row[0], Text(row[1], style=STATE_STYLE.get(row[1], "")), *map(Text, row[2:]))
    console.print(table)
    for line in after:
        console.print(Text(line))
    stream.flush()

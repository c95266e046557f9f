"""Workers make figures that are read, not drawn (worker.quiet_layout): no tight_layout, ticks
made on demand. What a check reads stays matplotlib's own, and drawing still works."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from autograder.run import worker
from autograder.run.protocol import describe
worker.quiet_layout()
fig, (a, b) = plt.subplots(1, 2)
a.imshow(np.eye(3)); a.set_title("left"); b.imshow(np.ones((2, 2))); b.set_title("right")
b.axis("off"); a.tick_params(labelsize=7); plt.tight_layout()
assert len(a.xaxis.majorTicks) == 0  # none made yet
panels = describe(fig).figure
assert [p["title"] for p in panels] == ["left", "right"]
assert np.array_equal(panels[0]["images"][0], np.eye(3))
print(a.xaxis.get_ticks_position())
fig.savefig(sys.argv[1])  # drawing makes the ticks it needs, with the parameters set
ticks = a.xaxis.get_major_ticks()
assert ticks and ticks[0].label1.get_fontsize() == 7
print("ok")
"""


def test_figures_are_real_and_ticks_come_on_demand(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", "import sys\n" + CODE, str(tmp_path / "f.png")],
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["bottom", "ok"], out.stderr
    assert (tmp_path / "f.png").stat().st_size > 1000

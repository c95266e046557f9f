"""Hidden tests: seeded random inputs and edge cases, run only by the grader.

Seeds are fixed so every failure can be replayed. Not shipped to learners.
"""
HIDDEN = {u: (lambda: []) for u in ["conv2d", "max_pool", "4.2.1", "4.2.2", "4.2.3", "4.2.4",
                                     "4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.cnn"]}

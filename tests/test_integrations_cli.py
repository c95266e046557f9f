"""The integrations' subcommands, added to one argparse parser as autograder/__main__.py will."""

from __future__ import annotations

import argparse

from autograder.integrations import add_commands
from tests.helpers import cli


def test_every_integration_adds_its_commands():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    assert set(sub.choices) == {"report", "prairielearn", "workflow", "canvas"}
    for argv in (
        ["report", "OUT"],
        ["prairielearn", "OUT"],
        ["workflow", "DIR"],
        ["canvas", "g.csv", "OUT", "--column", "A", "--id-column", "B"],
    ):
        args = parser.parse_args(argv)
        assert callable(args.func) and args.command == argv[0]


def test_the_command_line_offers_them():
    usage = cli("--help").stdout
    offered = set(usage.split("{", 1)[1].split("}", 1)[0].split(","))
    assert {"grade", "report", "prairielearn", "workflow", "canvas"} <= offered

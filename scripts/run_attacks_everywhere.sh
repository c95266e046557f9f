#!/usr/bin/env bash
# Run tests/test_attacks.py in every place this machine can make: tests/test_places.py does it
# (as root it provisions what the places need itself: the user `grader`, /opt/nnkit-places-venv,
# a copy of the checkout `grader` owns) and prints per place how long it took, the attacks
# blocked, the known gaps and the confinement layers in force.
#   (a) an ordinary user            runuser -u grader (a venv made from /usr/bin/python3)
#   (b) root, nobody runs Python     that venv
#   (c) root, this Python            e.g. pyenv under /root, which nobody cannot run
#   (d) root without CAP_SYS_ADMIN   capsh --drop=cap_sys_admin
#   (d') as (d), namespaces refused  scripts/no_namespaces.py, as Docker's default seccomp profile
#   (c') as (c) without bubblewrap   NNKIT_NO_BWRAP=1
#   (g) the Gradescope bundle's grader in a recreated /autograder, and its run_autograder
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python}" -m pytest tests/test_places.py -q -p no:cacheprovider -rA -s "$@"

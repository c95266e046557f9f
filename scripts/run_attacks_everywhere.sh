#!/usr/bin/env bash
# Run tests/test_attacks.py in every place this machine can make, and print per place:
# attacks blocked / total, and the confinement layers in force there.
#   (a) an ordinary user            runuser -u grader -- (Debian's python venv under /opt)
#   (b) root, nobody can run Python /opt venv made from /usr/bin/python3
#   (c) root, pyenv Python in /root  (nobody cannot execute it)
#   (d) root without CAP_SYS_ADMIN   capsh --drop=cap_sys_admin (user namespaces still allowed here)
#   (d') as (d) with namespaces refused, as Docker's default seccomp profile does
#   (c') as (c) without bubblewrap (NNKIT_NO_BWRAP=1): the per-worker layers alone
# Needs: the user `grader`, /opt/venv-nnkit (numpy scipy matplotlib scikit-learn pytest pyseccomp),
# the root venv $ROOT_VENV (default /tmp/venv-confine), bwrap, capsh.
set -u
KIT="$(cd "$(dirname "$0")/.." && pwd)"
OPT_PY="${OPT_PY:-/opt/venv-nnkit/bin/python}"
ROOT_PY="${ROOT_PY:-/tmp/venv-confine/bin/python}"
OUT="$(mktemp -d /tmp/nnkit-attacks-XXXX)"
chmod 1777 "$OUT"
PYTEST_ARGS=(-q -p no:cacheprovider -rA tests/test_attacks.py)

summary() {  # place name, log
  local place="$1" log="$2" passed failed xfailed xpassed total
  passed=$(grep -cE '^PASSED tests/test_attacks.py::test_attack_is_blocked' "$log")
  xpassed=$(grep -cE '^XPASS tests/test_attacks.py::test_attack_is_blocked' "$log")
  failed=$(grep -cE '^FAILED tests/test_attacks.py::test_attack_is_blocked' "$log")
  xfailed=$(grep -cE '^XFAIL tests/test_attacks.py::test_attack_is_blocked' "$log")
  errors=$(grep -cE '^ERROR tests/test_attacks.py' "$log")
  total=$((passed + xpassed + failed + xfailed + errors))
  printf '%-44s blocked %3d / %3d' "$place" $((passed + xpassed)) "$total"
  [ "$failed$xfailed$errors" != "000" ] && printf '   (failed %d, known gaps %d, errors %d)' "$failed" "$xfailed" "$errors"
  printf '\n    layers: %s\n' "$(grep -m1 'confinement here:' "$log" | sed 's/.*confinement here: //')"
  grep -m1 'fork + confine_self' "$log" | sed 's/^/    /'
  grep -E '^(FAILED|XFAIL) tests/test_attacks.py' "$log" | sed 's/^/    /'
}

run() {  # name, then the command prefix
  local name="$1"; shift
  local log="$OUT/$(echo "$name" | tr -c 'a-z0-9\n' '_').log"
  (cd "$KIT" && timeout 1800 "$@" -m pytest "${PYTEST_ARGS[@]}" -s --basetemp="$OUT/tmp-${#name}-$RANDOM" >"$log" 2>&1)
  summary "$name" "$log"
}

run "(a) ordinary user (grader)"          runuser -u grader -- env HOME=/home/grader "$OPT_PY"
run "(b) root, nobody runs the Python"    "$OPT_PY"
run "(c) root, pyenv Python under /root"  "$ROOT_PY"
run "(d) root without CAP_SYS_ADMIN"      capsh --drop=cap_sys_admin -- -c "exec $ROOT_PY \"\$@\"" capsh
run "(d') (d) + namespaces refused"       capsh --drop=cap_sys_admin -- -c "exec $ROOT_PY $KIT/scripts/no_namespaces.py $ROOT_PY \"\$@\"" capsh
run "(c') (c) without bubblewrap"         env NNKIT_NO_BWRAP=1 "$ROOT_PY"
echo "logs: $OUT"

"""Run a command the way Docker's default seccomp profile would for a root without
CAP_SYS_ADMIN: unshare, setns, mount and clone with namespace flags fail with EPERM.
Used by tests/test_places.py to recreate "namespaces refused" on a machine that allows them.

    python scripts/no_namespaces.py CMD ARGS...
"""

import errno
import os
import sys

import pyseccomp as sc

f = sc.SyscallFilter(sc.ALLOW)
for name in ("unshare", "setns", "mount", "umount2", "pivot_root"):
    f.add_rule(sc.ERRNO(errno.EPERM), name)
for flag in (0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000):
    f.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
f.load()  # without no_new_privs this needs CAP_SYS_ADMIN: call it before dropping that
os.execvp(sys.argv[1], sys.argv[1:])

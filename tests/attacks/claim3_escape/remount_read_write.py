"""Remount (MS_REMOUNT|MS_BIND): EINVAL means it passed the permission checks."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    os.makedirs('m2', exist_ok=True)
    rc = libc.mount(None, b'm2', None, 32 | 4096, None)  # MS_REMOUNT | MS_BIND, not a mount point
    return rc == 0 or ctypes.get_errno() == errno.EINVAL

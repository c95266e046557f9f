"""unshare(CLONE_NEWUSER|CLONE_NEWNS)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    return libc.unshare(0x10000000 | 0x20000) == 0

"""unshare(CLONE_NEWNET) (as root) or with a user namespace."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    return libc.unshare(0x40000000) == 0 or libc.unshare(0x40000000 | 0x10000000) == 0

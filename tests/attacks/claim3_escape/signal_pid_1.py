"""kill(1, 0)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.kill(1, 0)
        return True
    except OSError:
        return False

"""Read the fork server's copy of worker.py."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    for path in glob.glob('/tmp/nnkit-zygote-*/worker.py'):
        try:
            if 'def zygote' in open(path).read():
                return True
        except OSError:
            pass
    return False

"""Read the reference implementation's source."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open(os.path.join(ctx['kit'], 'reference', '__init__.py'), 'rb') as f:
            return len(f.read(4096)) > 0
    except OSError:
        return False

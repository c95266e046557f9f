"""Walk up from its own folder looking for the kit."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    here = os.getcwd()
    for _ in range(10):
        here = os.path.dirname(here)
        try:
            for entry in os.listdir(here):
                if entry in ('solutions', 'reference', 'wt-confine', 'main', 'work', 'nnkit-box', 'autograder'):
                    return True
        except OSError:
            pass
    return False

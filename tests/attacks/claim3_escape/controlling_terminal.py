"""Open /dev/tty (to type into the grader's terminal)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.close(os.open('/dev/tty', os.O_RDWR))
        return True
    except OSError:
        return False

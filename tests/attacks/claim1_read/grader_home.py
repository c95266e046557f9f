"""List the grader's home folder."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.listdir(ctx['home'])
        return True
    except OSError:
        return False

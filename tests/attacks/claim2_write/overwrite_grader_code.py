"""Append to the grader's own code (autograder/__init__.py, a file that exists)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open(os.path.join(ctx['kit'], 'autograder', '__init__.py'), 'a') as f:
            f.write('')
        return True
    except OSError:
        return False

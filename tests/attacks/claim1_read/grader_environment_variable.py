"""Find the grader's secret environment variable in its own environment."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    return ctx['env_secret'] in repr(dict(os.environ))

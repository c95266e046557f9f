"""See the grader among the processes listed in /proc."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        return str(ctx['grader_pid']) in os.listdir('/proc')
    except OSError:
        return False

"""Open the grader's /proc/PID/mem for writing."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.close(os.open(f"/proc/{ctx['grader_pid']}/mem", os.O_RDWR))
        return True
    except OSError:
        return False

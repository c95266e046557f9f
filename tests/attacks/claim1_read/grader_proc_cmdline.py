"""Read the grader's /proc/PID/cmdline (another process's /proc entry)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open(f"/proc/{ctx['grader_pid']}/cmdline", 'rb') as f:
            return len(f.read(4096)) > 0
    except OSError:
        return False

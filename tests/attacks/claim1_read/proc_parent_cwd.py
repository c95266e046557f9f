"""Reach the fork server's folder through /proc/PPID/cwd."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        return len(os.listdir(f'/proc/{os.getppid()}/cwd')) > 0
    except OSError:
        return False

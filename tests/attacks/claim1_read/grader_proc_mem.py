"""Read the grader's memory through /proc/PID/mem."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        maps = open(f"/proc/{ctx['grader_pid']}/maps").readline()
        start = int(maps.split('-')[0], 16)
        with open(f"/proc/{ctx['grader_pid']}/mem", 'rb') as f:
            f.seek(start)
            return len(f.read(16)) > 0
    except (OSError, ValueError, IndexError):
        return False

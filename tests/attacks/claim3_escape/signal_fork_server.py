"""kill(getppid(), 0): may it signal the fork server?"""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.kill(os.getppid(), 0)
        return True
    except OSError:
        return False

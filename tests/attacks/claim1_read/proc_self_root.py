"""Reach the kit through /proc/self/root."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open('/proc/self/root' + os.path.join(ctx['kit'], 'solutions', 'neural_network.py'), 'rb') as f:
            return len(f.read(4096)) > 0
    except OSError:
        return False

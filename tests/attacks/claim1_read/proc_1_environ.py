"""Read /proc/1/environ."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open('/proc/1/environ', 'rb') as f:
            return len(f.read(4096)) > 0
    except OSError:
        return False

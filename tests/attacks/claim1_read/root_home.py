"""List or read /root."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        return len(os.listdir('/root')) > 0
    except OSError:
        pass

    try:
        with open('/root/.bashrc', 'rb') as f:
            return len(f.read(4096)) > 0
    except OSError:
        return False

"""Read the main checkout (/work/main) solutions."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        return 'def conv2d' in open(os.path.join(ctx['main_kit'], 'solutions', 'neural_network.py')).read()
    except Exception:
        return False

"""Make a symlink in its own folder pointing at the kit's solutions, then open it."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        if os.path.lexists('kitlink'):
            os.unlink('kitlink')
        os.symlink(os.path.join(ctx['kit'], 'solutions'), 'kitlink')
        return 'def conv2d' in open('kitlink/neural_network.py').read()
    except OSError:
        return False

"""Put the kit on sys.path and import the reference."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    sys.path.append(ctx['kit'])
    try:
        import reference
        return hasattr(reference, 'conv2d')
    except Exception:
        return False

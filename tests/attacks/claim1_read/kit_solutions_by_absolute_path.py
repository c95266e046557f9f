"""Read the kit's solutions by absolute path and use them."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        ns = {}
        exec(open(os.path.join(ctx['kit'], 'solutions', 'neural_network.py')).read(), ns)
        return 'conv2d' in ns
    except Exception:
        return False

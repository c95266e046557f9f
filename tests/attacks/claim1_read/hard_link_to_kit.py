"""Hard-link the kit's solutions into its own folder, then read the link."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        if os.path.lexists('hardlink.py'):
            os.unlink('hardlink.py')
        os.link(os.path.join(ctx['kit'], 'solutions', 'neural_network.py'), 'hardlink.py')
        return 'def conv2d' in open('hardlink.py').read()
    except OSError:
        return False

"""Write directly into the host's /tmp."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        target = '/tmp/' + ctx['marker']
        with open(target, 'w') as f:
            f.write('written by a submission')
        return True
    except OSError:
        return False

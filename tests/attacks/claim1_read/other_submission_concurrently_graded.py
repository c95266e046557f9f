"""Find the secret of another submission being graded at the same time."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    patterns = ['/tmp/nnkit-*/**/*.py', '/tmp/**/neural_network.py', '/nnkit-box/**/*.py', '/var/tmp/**/*.py']
    for pattern in patterns:
        try:
            for path in glob.glob(pattern, recursive=True):
                try:
                    if ctx['secret'] in open(path, errors='replace').read():
                        return True
                except OSError:
                    pass
        except OSError:
            pass
    return False

"""Open /dev/tcp/127.0.0.1/PORT as bash would."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        open(f"/dev/tcp/127.0.0.1/{ctx['tcp_port']}", 'w').write('x')
        return True
    except OSError:
        return False

"""getaddrinfo of localhost and of a public name."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    for name in ('localhost', 'example.com', 'pypi.org'):
        try:
            if socket.getaddrinfo(name, 80):
                return True
        except OSError:
            pass
    return False

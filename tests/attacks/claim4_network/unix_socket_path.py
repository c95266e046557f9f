"""Connect to a pathname UNIX socket the test listens on (like docker.sock)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(ctx['unix_path'])
        return True
    except OSError:
        return False

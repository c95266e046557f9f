"""Connect to an abstract UNIX socket the test listens on."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect('\0' + ctx['abstract_name'])
        return True
    except OSError:
        return False

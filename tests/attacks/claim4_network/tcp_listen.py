"""Bind and listen on a TCP port."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        s.listen()
        return True
    except OSError:
        return False

"""TCP connect to a server the test listens with on 127.0.0.1."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        s = socket.create_connection(('127.0.0.1', ctx['tcp_port']), timeout=2)
        s.sendall(b'hello')
        return True
    except OSError:
        return False

"""TCP connect to ::1."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        socket.create_connection(('::1', ctx['tcp_port']), timeout=2)
        return True
    except OSError:
        return False

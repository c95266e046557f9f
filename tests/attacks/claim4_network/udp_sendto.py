"""UDP sendto a port the test listens on."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b'hello', ('127.0.0.1', ctx['udp_port']))
        return True
    except OSError:
        return False

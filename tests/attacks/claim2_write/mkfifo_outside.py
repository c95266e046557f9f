"""Make a FIFO outside its folder."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.mkfifo(os.path.join(ctx['outside'], ctx['marker']))
        return True
    except OSError:
        return False

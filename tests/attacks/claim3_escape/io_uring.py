"""io_uring_setup (io_uring operations bypass per-call filtering)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    params = ctypes.create_string_buffer(120)
    fd = libc.syscall(425, 4, params)
    return fd >= 0

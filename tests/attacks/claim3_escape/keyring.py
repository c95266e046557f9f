"""add_key to the session keyring."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    return libc.syscall(248, b'user', b'nnkit', b'x', 1, -3) >= 0  # KEY_SPEC_SESSION_KEYRING

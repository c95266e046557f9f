"""Allocate and touch 4 GiB."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    import numpy as np
    try:
        a = np.ones(1 << 29)  # 4 GiB of float64
        return float(a[-1]) == 1.0
    except MemoryError:
        return False

"""PTRACE_SEIZE the fork server."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    return libc.ptrace(0x4206, os.getppid(), 0, 0) == 0

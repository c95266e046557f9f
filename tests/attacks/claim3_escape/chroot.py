"""chroot into its own folder (the first step of a chroot escape)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    return libc.chroot(b'.') == 0

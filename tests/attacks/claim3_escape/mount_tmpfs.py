"""Mount a tmpfs in its own folder."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    os.makedirs('m', exist_ok=True)
    if libc.mount(b'tmpfs', b'm', b'tmpfs', 0, b'size=1m') == 0:
        libc.umount2(b'm', 2)
        return True
    return False

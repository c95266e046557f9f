"""setns() into the fork server's namespaces."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    for ns in ('mnt', 'user', 'pid', 'net'):
        try:
            fd = os.open(f'/proc/{os.getppid()}/ns/{ns}', os.O_RDONLY)
        except OSError:
            continue
        if libc.setns(fd, 0) == 0:
            return True
    return False

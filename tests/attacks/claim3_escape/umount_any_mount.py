"""umount2(MNT_EXPIRE) every mount point: EAGAIN means it had the power to unmount."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        points = [line.split()[1] for line in open('/proc/self/mounts')]
    except OSError:
        points = ['/', '/usr', '/tmp', '/proc', '/dev', os.getcwd()]
    for point in points:
        if libc.umount2(point.encode(), 4) == 0 or ctypes.get_errno() == errno.EAGAIN:  # MNT_EXPIRE
            return True
    return False

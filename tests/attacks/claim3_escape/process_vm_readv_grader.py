"""process_vm_readv from the grader."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    class Iov(ctypes.Structure):
        _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]
    try:
        start = int(open(f"/proc/{ctx['grader_pid']}/maps").readline().split('-')[0], 16)
    except (OSError, ValueError):
        start = 0x400000
    buf = ctypes.create_string_buffer(16)
    local, remote = Iov(ctypes.addressof(buf), 16), Iov(start, 16)
    return libc.process_vm_readv(ctx['grader_pid'], ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0

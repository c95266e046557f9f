"""bpf(BPF_MAP_CREATE) or perf_event_open."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    attr = ctypes.create_string_buffer(struct_bytes := bytes([2, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0]) + bytes(64))
    if libc.syscall(321, 0, attr, 80) >= 0:
        return True
    pattr = ctypes.create_string_buffer(128)
    ctypes.memmove(pattr, bytes([1, 0, 0, 0, 128, 0, 0, 0]), 8)  # PERF_TYPE_SOFTWARE, size 128, CPU clock
    return libc.syscall(298, pattr, 0, -1, -1, 0) >= 0

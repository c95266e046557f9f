"""Exec a program hoping to regain capabilities (or setuid)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    import subprocess
    try:
        out = subprocess.run(['/bin/sh', '-c', 'grep CapEff /proc/self/status'], capture_output=True, text=True, timeout=5).stdout
        return bool(out) and out.split()[1] != '0000000000000000'
    except Exception:
        return False

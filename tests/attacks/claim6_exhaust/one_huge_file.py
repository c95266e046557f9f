"""Write one 100 MiB file (past the file-size cap)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open('huge', 'wb') as f:
            for _ in range(100):
                f.write(b'x' * (1 << 20))
        return os.path.getsize('huge') > (64 << 20)
    except OSError:
        return False

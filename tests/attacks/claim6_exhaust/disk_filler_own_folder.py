"""Write 400 MiB in 10 MiB files to its own folder."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    folder = 'fill'
    total = 0
    try:
        os.makedirs(folder, exist_ok=True)
        for i in range(40):
            with open(os.path.join(folder, f'fill{i}'), 'wb') as f:
                for _ in range(10):
                    f.write(b'x' * (1 << 20))
                    total += 1 << 20
    except OSError:
        pass
    return total > (300 << 20)

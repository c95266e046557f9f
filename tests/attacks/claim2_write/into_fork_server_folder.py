"""Write into the fork server's folder (its worker.py)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    done = False
    for folder in glob.glob('/tmp/nnkit-zygote-*'):
        try:
            with open(os.path.join(folder, 'worker.py'), 'a') as f:
                f.write('')
            done = True
        except OSError:
            pass
    return done

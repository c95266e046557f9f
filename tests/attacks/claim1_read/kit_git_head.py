"""Read the kit's .git (a folder, or in a worktree a file naming the repository)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        with open(os.path.join(ctx['kit'], '.git', 'HEAD') if os.path.isdir(os.path.join(ctx['kit'], '.git')) else os.path.join(ctx['kit'], '.git'), 'rb') as f:
            return len(f.read(4096)) > 0
    except OSError:
        return False

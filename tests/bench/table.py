#!/usr/bin/python3
"""table.py: the benchmark's table, from the peers' JSON (tests/bench/run).

    /usr/bin/python3 tests/bench/table.py RESULTS_DIR [--load-start "1.2 0.8 0.5"]

Reads RESULTS_DIR/{manifest.json (a copy), candor.json, ort.json,
torch.json, candor-rss.json, torch-rss.json, candor-profile-*.json} and the
.npy files the peers wrote; prints the table (see README.md for the columns).
Missing pieces are shown as "-" with a note, never an exception.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Targets of issues 3 and 4 ("Performance"): (measure, model) -> (peer, max ratio)
TARGETS = {
    ("forward", None): [("ort", 1.2)],
    ("gradient", "resnet18"): [("ort_fwd", 3.5), ("torch", 1.0)],
    ("gradient", None): [("ort_fwd", 3.5), ("torch", 0.5)],
    ("ig_explain", "resnet18"): [("torch", 1.0)],
    ("ig_explain", "mobilenet_v2"): [("torch", 0.6)],
    ("ig_explain", "demo-cnn"): [("torch", 0.3)],
    ("ig_loop", "resnet18"): [("torch", 1.0)],
    ("ig_loop", "mobilenet_v2"): [("torch", 0.6)],
    ("ig_loop", "demo-cnn"): [("torch", 0.3)],
}
MEASURES = [
    # key in candor.json, key in torch.json, label
    ("forward", "forward", "forward, batch 50"),
    ("gradient", "gradient", "gradient of 1 logit, batch 50"),
    ("ig_loop", "ig", "IG 50 steps, 1 image (bench loop)"),
    ("ig_explain", "ig", "IG 50 steps, 1 image (cx_explain)"),
    ("smoothgrad", "smoothgrad", "SmoothGrad 50 samples, 1 image"),
    ("occlusion", "occlusion", "occlusion, 1 image"),
]
MEMORY_TARGET_MB = 600
CONV_TARGET = 0.5
DEMO_IG_TARGET_MS = 20.0


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def med(v):
    return statistics.median(v) if isinstance(v, list) and v else None


def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_ratio(v):
    return "-" if v is None else f"{v:.2f}"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def build_type():
    """The build type, and the optimisation flags the engine library gets."""
    opts = load(os.path.join(ROOT, "build", "meson-info", "intro-buildoptions.json")) or []
    kind = next((o.get("value") for o in opts if o.get("name") == "buildtype"), "?")
    flags = []
    for t in load(os.path.join(ROOT, "build", "meson-info", "intro-targets.json")) or []:
        if t.get("name") == "explain":
            for src in t.get("target_sources", []):
                flags += [f for f in src.get("parameters", [])
                          if f.startswith(("-O", "-march", "-mtune", "-ffast-math"))]
    return f"{kind}, explain/ at {' '.join(dict.fromkeys(flags)) or '?'}"


def npy(d, name):
    p = os.path.join(d, name)
    return np.load(p).astype(np.float64) if os.path.exists(p) else None


def cos_rel(a, b):
    a, b = a.ravel(), b.ravel()
    if a.shape != b.shape:
        return None, None
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return None, None
    return float(a @ b / (na * nb)), float(np.linalg.norm(a - b) / nb)


def parse_profile(text):
    """Lines of exec.c's profile_print: '  Op (backward)  12.34 ms  5.6 %  7 calls'."""
    rows = []
    for line in (text or "").splitlines():
        m = re.match(r"\s+(.+?)\s+([\d.]+) ms\s+([\d.]+) %\s+(\d+) calls", line)
        if m:
            rows.append((m.group(1), float(m.group(2)), float(m.group(3)), int(m.group(4))))
    rows.sort(key=lambda r: -r[1])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--load-start", default="")
    ap.add_argument("--others", type=int, default=None,
                    help="percent of the CPU other processes used during the run")
    args = ap.parse_args()
    d = args.results
    manifest = load(os.path.join(d, "manifest.json")) or {"models": [], "notes": []}
    cand = load(os.path.join(d, "candor.json")) or {}
    ort = load(os.path.join(d, "ort.json")) or {}
    tor = load(os.path.join(d, "torch.json")) or {}
    notes = list(manifest.get("notes", []))
    for peer, doc in (("Candor", cand), ("ONNX Runtime", ort), ("PyTorch", tor)):
        if not doc:
            notes.append(f"{peer} produced no results (see its errors above)")

    out = []
    p = out.append
    unreliable = args.others is not None and args.others > 5
    ob = cand.get("openblas", {})
    with open("/proc/loadavg") as f:
        load_end = " ".join(f.read().split()[:3])
    p(f"Candor peer benchmark, {datetime.date.today().isoformat()}, {platform.node()}")
    p(f"  machine   {cpu_name()}, {os.cpu_count()} cores; load average at start "
      f"{args.load_start or '?'}; at end {load_end}")
    if args.others is not None:
        p(f"  quiet?    other processes used {args.others} % of the CPU during the run"
          + ("  << TIMINGS UNRELIABLE" if args.others > 5 else ""))
    p(f"  Candor    build {build_type()}; {ob.get('config', '?')}, core {ob.get('core', '?')}, "
      f"{ob.get('threads', '?')} threads of its own (OpenBLAS single-threaded in each)"
      + "".join(f", {k}={os.environ[k]}" for k in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
                                                     "OPENBLAS_L2_SIZE") if k in os.environ))
    p(f"  ORT       onnxruntime-node {ort.get('version', '-')}, CPU, "
      f"{ort.get('threads', '-')} intra-op threads")
    p(f"  PyTorch   {tor.get('version', '-')}, {tor.get('threads', '-')} threads, eager, "
      f"oneDNN {'on' if tor.get('mkldnn') else 'off'}")
    rounds = cand.get("rounds", 1)
    if rounds > 1:
        p(f"  timings   in ms, each peer's best of {rounds} rounds (the peers taking turns, a "
          f"fresh process each), a round's figure the median of {cand.get('reps', '?')} runs "
          f"after {cand.get('warmup', '?')} warm-up runs; ratios are Candor's time over the "
          f"peer's (< 1: Candor faster)")
    else:
        p(f"  timings   median of {cand.get('reps', '?')} runs after {cand.get('warmup', '?')} "
          f"warm-up runs, in ms; ratios are Candor's time over the peer's (< 1: Candor faster)")
    p("")

    # sgemm probe
    sg = cand.get("sgemm", [])
    peak = max((s["gflops"] for s in sg if s["name"].startswith("square")), default=None)
    if sg:
        p("sgemm probe (OpenBLAS cblas_sgemm, row major, median GFLOP/s)")
        for s in sg:
            p(f"  {s['name']:34s} {s['m']:>5}x{s['n']:<6}x{s['k']:<5} {s['gflops']:7.1f} GFLOP/s")
        p("")

    # timings
    hdr = f"{'model':13s} {'measurement':36s} {'Candor':>9s} {'ORT':>9s} {'PyTorch':>9s} " \
          f"{'C/ORT':>7s} {'C/PyT':>7s}  target"
    p(hdr)
    p("-" * len(hdr))
    misses = []
    for entry in manifest.get("models", []):
        name = entry["name"]
        cm = cand.get("models", {}).get(name, {})
        om = ort.get("models", {}).get(name, {})
        tm = tor.get("models", {}).get(name, {})
        first = True
        if "error" in cm:
            notes.append(f"{name}: Candor could not run it: {cm['error']}")
        if "error" in om:
            notes.append(f"{name}: ONNX Runtime could not run it: {om['error']}")
        if "error" in tm:
            notes.append(f"{name}: PyTorch could not run it: {tm['error']}")
        ort_fwd = med(om.get("forward"))
        for ckey, tkey, label in MEASURES:
            c = med(cm.get(ckey))
            t = med(tm.get(tkey))
            o = ort_fwd if ckey == "forward" else None
            r_ort = c / o if c and o else None
            # gradient-type rows: Candor's time over ORT's batch-50 forward
            r_ort_fwd = c / ort_fwd if c and ort_fwd and ckey == "gradient" else None
            r_t = c / t if c and t else None
            for k in (ckey, tkey):
                for doc, peer in ((cm, "Candor"), (tm, "PyTorch")):
                    if doc.get(k + "_error"):
                        notes.append(f"{name} {label}: {peer}: {doc[k + '_error']}")
            tg = TARGETS.get((ckey, name)) or TARGETS.get((ckey, None)) or []
            verdicts = []
            for peer, limit in tg:
                r = {"ort": r_ort, "ort_fwd": r_ort_fwd, "torch": r_t}[peer]
                lbl = {"ort": "C/ORT", "ort_fwd": "C/ORT-fwd", "torch": "C/PyT"}[peer]
                if r is None:
                    verdicts.append(f"{lbl}<={limit} ?")
                elif unreliable:
                    verdicts.append(f"{lbl}<={limit} (busy)")
                else:
                    ok = r <= limit
                    verdicts.append(f"{lbl}<={limit} {'ok' if ok else 'MISS'}")
                    if not ok:
                        misses.append(f"{name} {label}: {lbl} {r:.2f} > {limit}")
            ort_col = fmt_ms(o) if ckey == "forward" else ""
            rat_ort = fmt_ratio(r_ort) if ckey == "forward" else \
                (fmt_ratio(r_ort_fwd) + "f" if r_ort_fwd else "")
            p(f"{name if first else '':13s} {label:36s} {fmt_ms(c):>9s} {ort_col:>9s} "
              f"{fmt_ms(t):>9s} {rat_ort:>7s} {fmt_ratio(r_t):>7s}  {', '.join(verdicts)}")
            first = False
        if om.get("forward1"):
            p(f"{'':13s} {'(ORT forward, 1 image)':36s} {'':>9s} {fmt_ms(med(om['forward1'])):>9s}")
        p("")
    p("  'f' after C/ORT: Candor's time over ORT's batch-50 *forward* (ORT has no reverse mode).")
    p("")
    # Every round's median of the batch-50 forward: how far apart the processes ran.
    rows = []
    for name in [e["name"] for e in manifest.get("models", [])]:
        per = []
        for peer, data in (("Candor", cand), ("ORT", ort), ("PyTorch", tor)):
            rm = (data.get("models", {}).get(name, {}) or {}).get("round_medians", {})
            if rm.get("forward"):
                per.append(f"{peer} " + " ".join(f"{x:.1f}" for x in rm["forward"]))
        if per:
            rows.append(f"  {name:13s} " + "  |  ".join(per))
    if rows:
        p("forward, batch 50: each round's median (ms); the table takes each peer's best round")
        for r in rows:
            p(r)
        p("")

    # correctness
    p("correctness (Candor against the peers, same inputs)")
    p(f"  {'model':13s} {'logits C~ORT':>13s} {'PyT~ORT':>9s} {'grad cos':>10s} {'grad relL2':>10s} "
      f"{'IG cos':>10s} {'IG relL2':>9s} {'occl cos':>9s} {'IG expl~loop':>12s}")
    for entry in manifest.get("models", []):
        name = entry["name"]
        cl, ol, tl = (npy(d, f"{peer}-{name}-logits.npy") for peer in ("candor", "ort", "torch"))

        def maxrel(a, b):
            if a is None or b is None or a.shape != b.shape:
                return "-"
            return f"{np.abs(a - b).max() / max(np.abs(b).max(), 1e-30):.1e}"

        cols = [maxrel(cl, ol), maxrel(tl, ol)]
        for what in ("grad", "ig"):
            a, b = npy(d, f"candor-{name}-{what}.npy"), npy(d, f"torch-{name}-{what}.npy")
            c, r = cos_rel(a, b) if a is not None and b is not None else (None, None)
            cols += [f"{c:.6f}" if c is not None else "-", f"{r:.1e}" if r is not None else "-"]
        a, b = npy(d, f"candor-{name}-occlusion.npy"), npy(d, f"torch-{name}-occlusion.npy")
        c, _ = cos_rel(a, b) if a is not None and b is not None else (None, None)
        cols.append(f"{c:.6f}" if c is not None else "-")
        a, b = npy(d, f"candor-{name}-ig-explain.npy"), npy(d, f"candor-{name}-ig.npy")
        _, r = cos_rel(a, b) if a is not None and b is not None else (None, None)
        cols.append(f"{r:.1e}" if r is not None else "-")
        p(f"  {name:13s} {cols[0]:>13s} {cols[1]:>9s} {cols[2]:>10s} {cols[3]:>10s} "
          f"{cols[4]:>10s} {cols[5]:>9s} {cols[6]:>9s} {cols[7]:>12s}")
    p("  logits: max |a - b| / max |ORT| over the batch; cos / relL2: cosine similarity and")
    p("  ||C - PyTorch|| / ||PyTorch|| of the batch gradient and of the IG attribution.")
    p("")
    # Both float32 gradients against PyTorch's in float64: over the batch,
    # and the median and largest of the rows (a near-tie that a Relu or a
    # MaxPool decides the other way in float32 changes one row's gradient
    # in places, and then dominates the batch figure).
    rows = []
    for entry in manifest.get("models", []):
        name = entry["name"]
        ref = npy(d, f"torch-{name}-grad64.npy")
        if ref is None:
            continue
        cells = []
        for peer in ("candor", "torch"):
            a = npy(d, f"{peer}-{name}-grad.npy")
            if a is None or a.shape != ref.shape:
                cells += ["-", "-", "-"]
                continue
            _, r = cos_rel(a, ref)
            per_row = [cos_rel(a[i], ref[i])[1] for i in range(ref.shape[0])]
            per_row = [x for x in per_row if x is not None]
            cells.append(f"{r:.1e}" if r is not None else "-")
            cells.append(f"{float(np.median(per_row)):.1e}" if per_row else "-")
            cells.append(f"{max(per_row):.1e}" if per_row else "-")
        rows.append(f"  {name:13s} " + " ".join(f"{c:>9s}" for c in cells))
    if rows:
        p("batch gradient against PyTorch in float64 (||g - g64|| / ||g64||: the batch, median row, worst row)")
        p(f"  {'model':13s} {'Candor':>9s} {'median':>9s} {'worst':>9s} {'PyTorch':>9s} {'median':>9s} {'worst':>9s}")
        for r in rows:
            p(r)
        p("")

    # memory
    cr = load(os.path.join(d, "candor-rss.json")) or {}
    tr = load(os.path.join(d, "torch-rss.json")) or {}
    if cr or tr:
        p(f"peak memory of one batch-50 gradient on {cr.get('model') or tr.get('model')} "
          f"(getrusage max RSS of a fresh process)")
        if cr.get("rss_peak_kb"):
            mb = cr["rss_peak_kb"] / 1024
            ok = mb <= MEMORY_TARGET_MB
            if not ok:
                misses.append(f"memory: {mb:.0f} MB > {MEMORY_TARGET_MB} MB")
            p(f"  Candor   {mb:7.0f} MB peak ({cr['rss_loaded_kb'] / 1024:.0f} MB after loading "
              f"model and inputs; executor's live tensors peak "
              f"{cr.get('exec_peak_bytes', 0) / 2**20:.0f} MB)  target <= {MEMORY_TARGET_MB} MB "
              f"{'ok' if ok else 'MISS'}")
        elif cr.get("error"):
            p(f"  Candor   - ({cr['error']})")
        if tr.get("rss_peak_kb"):
            p(f"  PyTorch  {tr['rss_peak_kb'] / 1024:7.0f} MB peak ({tr['rss_loaded_kb'] / 1024:.0f} MB "
              f"after importing torch and loading)")
        p("")

    # demo latency
    demo = cand.get("models", {}).get("demo-cnn", {})
    if demo:
        v = med(demo.get("ig_explain"))
        v2 = med(demo.get("ig_loop"))
        if v is not None:
            ok = v < DEMO_IG_TARGET_MS
            if not ok and not unreliable:
                misses.append(f"demo-cnn IG one image: {v:.1f} ms >= {DEMO_IG_TARGET_MS} ms")
            p(f"demo CNN, one image, IG 50 steps: {v:.2f} ms with cx_explain "
              f"({fmt_ms(v2)} ms bench loop)  target < {DEMO_IG_TARGET_MS:.0f} ms "
              f"{'ok' if ok else 'MISS'}")
            p("")

    # per-op profile and conv efficiency
    for path in sorted(glob.glob(os.path.join(d, "candor-profile-*.json"))):
        prof = load(path) or {}
        name = prof.get("model", "?")
        entry = next((e for e in manifest.get("models", []) if e["name"] == name), None)
        if prof.get("error"):
            p(f"profile of {name}: {prof['error']}")
            continue
        p(f"Candor per-op time, {name} (CANDOR_PROFILE=1, one run each, kernels only)")
        fw, gr = parse_profile(prof.get("forward")), parse_profile(prof.get("gradient"))
        for title, rows in (("forward", fw), ("gradient (forward recorded + backward)", gr)):
            tot = sum(r[1] for r in rows)
            p(f"  {title}: {tot:.1f} ms in kernels")
            for op, ms, pct, calls in rows[:8]:
                p(f"    {op:34s} {ms:9.2f} ms {pct:5.1f} % {calls:6d} calls")
        if entry and peak:
            fl = entry.get("flops", {})
            dense, grouped = fl.get("dense_conv", 0), fl.get("grouped_conv", 0)
            conv_f = next((r[1] for r in fw if r[0] == "Conv"), None)
            conv_b = next((r[1] for r in gr if r[0] == "Conv (backward)"), None)
            parts = []
            for lbl, ms in (("forward", conv_f), ("backward (input gradient)", conv_b)):
                if ms:
                    g = (dense + grouped) / (ms * 1e6)
                    frac = g / peak
                    parts.append(f"{lbl} {g:.1f} GFLOP/s = {100 * frac:.0f} % of sgemm peak")
                    if grouped == 0 and frac < CONV_TARGET and not unreliable:
                        misses.append(f"{name} Conv {lbl}: {100 * frac:.0f} % of sgemm peak "
                                      f"< {100 * CONV_TARGET:.0f} %")
            if parts:
                share = f", {100 * grouped / max(dense + grouped, 1):.0f} % of it grouped/depthwise" \
                    if grouped else ""
                p(f"  Conv: {(dense + grouped) / 1e9:.2f} GFLOP per batch-50 pass{share}; "
                  + "; ".join(parts) + f" (target >= {100 * CONV_TARGET:.0f} %"
                  + (", dense convs only" if grouped else "") + ")")
        p("")

    if unreliable:
        p("targets: not judged, other processes took the CPU during the run (see 'quiet?')")
        p("")
    elif misses:
        p("targets missed:")
        for m in misses:
            p("  - " + m)
        p("")
    if notes:
        p("notes:")
        for n in notes:
            p("  - " + n)
    text = "\n".join(out)
    print(text)
    with open(os.path.join(d, "table.txt"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""bench-torch.py: PyTorch's side of the peer benchmark (tests/bench/run).

    /usr/bin/python3 tests/bench/bench-torch.py --manifest M.json --out-dir D [--reps N]
    /usr/bin/python3 tests/bench/bench-torch.py --manifest M.json --rss NAME

Runs, in eager mode with 2 threads, what bench-candor runs: the batch-50
forward, the gradient of one logit per row (forward + backward of the sum of
the chosen logits), integrated gradients as Captum's IntegratedGradients
computes them (50 Gauss-Legendre steps as one batch, one backward pass),
SmoothGrad (50 noisy copies as one batch) and occlusion (every window in one
batch). torchvision models are rebuilt from their state dicts; other models
(the demo CNN) run through onnx_torch, the same graph as Candor's. Prints
JSON on stdout; writes logits, gradients and attributions to D.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import onnx_torch  # noqa: E402

IG_STEPS = 50
SG_SAMPLES = 50
SG_NOISE = 0.15


def build(entry):
    t = entry["torch"]
    if t["kind"] == "torchvision":
        import torchvision
        model = getattr(torchvision.models, t["arch"])(weights=None)
        model.load_state_dict(torch.load(t["state"]))
    else:
        model = onnx_torch.OnnxModule(entry["onnx"])
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def fixed_batch_call(model, fixed):
    """A fixed-batch-1 graph runs row by row, as Candor's engine does."""
    if fixed != 1:
        return model
    return lambda x: torch.cat([model(x[i:i + 1]) for i in range(x.shape[0])])


def forward(f, x):
    with torch.inference_mode():
        return f(x)


def gradient(f, x, targets):
    xg = x.detach().clone().requires_grad_(True)
    y = f(xg)
    sel = y.gather(1, targets[:, None]).sum()
    (g,) = torch.autograd.grad(sel, xg)
    return g


def ig(f, x, target):
    """Captum's IntegratedGradients.attribute(x, baselines=0, target,
    n_steps=50, method='gausslegendre', internal_batch_size=None)."""
    nodes, w = np.polynomial.legendre.leggauss(IG_STEPS)
    alphas = list(0.5 * (nodes + 1))
    step_sizes = list(0.5 * w)
    baseline = torch.zeros_like(x)
    scaled = torch.cat([baseline + a * (x - baseline) for a in alphas]).requires_grad_(True)
    out = f(scaled)[:, target]
    (grads,) = torch.autograd.grad(torch.unbind(out), scaled)
    scaled_grads = grads.contiguous().view(IG_STEPS, -1) * \
        torch.tensor(step_sizes, dtype=grads.dtype).view(IG_STEPS, 1)
    total = scaled_grads.reshape((IG_STEPS,) + tuple(x.shape[1:])).sum(0, keepdim=True)
    return total * (x - baseline)


def smoothgrad(f, x, target, gen):
    sigma = SG_NOISE * float(x.max() - x.min())
    noisy = x.repeat((SG_SAMPLES,) + (1,) * (x.dim() - 1))
    noisy = (noisy + sigma * torch.randn(noisy.shape, generator=gen)).requires_grad_(True)
    out = f(noisy)[:, target]
    (g,) = torch.autograd.grad(out.sum(), noisy)
    return g.mean(0, keepdim=True)


def occlusion(f, x, target):
    """Candor's default windows (side max(2, min(H, W) // 7), stride half of
    it, all channels, value 0), every window in one batch, attribution the
    output drop averaged over overlapping windows."""
    if x.dim() != 4:
        raise NotImplementedError("occlusion of non-image inputs")
    _, C, H, W = x.shape
    win = max(2, min(H, W) // 7)
    stride = max(1, win // 2)
    ys = range(0, H - win + 1, stride)
    xs = range(0, W - win + 1, stride)
    with torch.inference_mode():
        f0 = f(x)[0, target]
        batch = x.repeat(len(ys) * len(xs), 1, 1, 1)
        r = 0
        for wy in ys:
            for wx in xs:
                batch[r, :, wy:wy + win, wx:wx + win] = 0
                r += 1
        drops = f0 - f(batch)[:, target]
        acc = torch.zeros((H, W), dtype=torch.float64)
        count = torch.zeros((H, W), dtype=torch.float64)
        r = 0
        for wy in ys:
            for wx in xs:
                acc[wy:wy + win, wx:wx + win] += float(drops[r])
                count[wy:wy + win, wx:wx + win] += 1
                r += 1
        attr = torch.where(count > 0, acc / count.clamp(min=1), acc).float()
    return attr.expand(1, C, H, W).contiguous()


def measure(fn, reps, warmup):
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, out


def save(out_dir, name, what, t):
    np.save(os.path.join(out_dir, f"torch-{name}-{what}.npy"),
            t.detach().numpy().astype(np.float32))


def bench_model(entry, args):
    name = entry["name"]
    res = {}
    t0 = time.perf_counter()
    model = build(entry)
    res["load_ms"] = (time.perf_counter() - t0) * 1000
    f = fixed_batch_call(model, entry.get("batch_fixed", 0))
    x = torch.from_numpy(np.load(entry["input"]))
    targets = torch.from_numpy(np.load(entry["targets"]))
    row = x[:1].clone()
    t = int(targets[0])
    gen = torch.Generator().manual_seed(1)
    runs = [
        ("forward", lambda: forward(f, x), "logits"),
        ("gradient", lambda: gradient(f, x, targets), "grad"),
        ("ig", lambda: ig(f, row, t), "ig"),
        ("smoothgrad", lambda: smoothgrad(f, row, t, gen), None),
        ("occlusion", lambda: occlusion(f, row, t), "occlusion"),
    ]
    for key, fn, what in runs:
        try:
            times, out = measure(fn, args.reps, args.warmup)
        except Exception as e:  # report and go on
            res[key + "_error"] = f"{type(e).__name__}: {e}"
            print(f"bench-torch: {name} {key}: {e}", file=sys.stderr)
            continue
        res[key] = times
        print(f"bench-torch:   {name:14s} {key:12s} {statistics.median(times):9.2f} ms",
              file=sys.stderr)
        if what:
            save(args.out_dir, name, what, out)
    if entry["torch"]["kind"] == "torchvision":
        # The same batch gradient in float64 (untimed): a reference against
        # which both engines' float32 rounding can be measured.
        m64 = model.double()
        g64 = gradient(fixed_batch_call(m64, entry.get("batch_fixed", 0)), x.double(), targets)
        np.save(os.path.join(args.out_dir, f"torch-{name}-grad64.npy"), g64.numpy())
    return res


def rss_mode(entry):
    model = build(entry)
    f = fixed_batch_call(model, entry.get("batch_fixed", 0))
    x = torch.from_numpy(np.load(entry["input"]))
    targets = torch.from_numpy(np.load(entry["targets"]))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gradient(f, x, targets)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"model": entry["name"], "rss_loaded_kb": before, "rss_peak_kb": after}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--out-dir", default=".")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--only")
    ap.add_argument("--rss")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(args.manifest) as fh:
        manifest = json.load(fh)
    entries = {e["name"]: e for e in manifest["models"]}
    if args.rss:
        print(json.dumps(rss_mode(entries[args.rss])))
        return
    os.makedirs(args.out_dir, exist_ok=True)
    doc = {"peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
           "mkldnn": torch.backends.mkldnn.is_available(),
           "reps": args.reps, "warmup": args.warmup, "models": {}}
    for name, entry in entries.items():
        if args.only and name != args.only:
            continue
        try:
            doc["models"][name] = bench_model(entry, args)
        except Exception as e:
            doc["models"][name] = {"error": f"{type(e).__name__}: {e}"}
            print(f"bench-torch: {name}: {e}", file=sys.stderr)
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()

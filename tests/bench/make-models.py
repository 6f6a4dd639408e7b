#!/usr/bin/python3
"""make-models.py: the benchmark's models and inputs, in a cache folder.

    /usr/bin/python3 tests/bench/make-models.py [--out build/bench-models] [--force]

Writes, for ResNet-18 and MobileNetV2 from torchvision 0.14 (random seeded
weights, re-initialised so outputs are not degenerate, as DESIGN.md's
"Fixtures that can catch bugs" asks) at 64x64:
    NAME.onnx          opset 13, dynamic batch (input "input", output "logits")
    NAME.pt            the same weights as a state dict, for the PyTorch peer
and for every model (these two and resources/demo/fashion-cnn.onnx if present):
    NAME-x50.npy       seeded random batch of 50 inputs, float32, the same for all peers
    NAME-targets.npy   int64 [50], the class each row's gradient is taken of
                       (PyTorch's predicted class, so all peers use the same)
    manifest.json      what the peers read; plus conv FLOPs per batch for the
                       efficiency figure

Existing files are kept unless --force is given or the demo model changed;
nothing here is committed (ResNet-18 alone is 45 MB).
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import onnx_torch  # noqa: E402  (the ONNX -> torch interpreter for models without torch source)

BATCH = 50
SIZE = 64
SEED = 20260101
VERSION = 3  # bump to invalidate caches when this script's output changes


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def reinit(model, seed):
    """Variance-preserving init, BN statistics calibrated on random batches,
    classifier centred and scaled so logits spread."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1.0 + 0.2 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=g))
            elif isinstance(m, nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) / math.sqrt(m.in_features))
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
        # Batch-norm statistics from a few random batches (cumulative average).
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()
                m.momentum = None
        model.train()
        for _ in range(4):
            model(torch.randn((32, 3, SIZE, SIZE), generator=g))
        model.eval()
        # Centre and scale the last Linear on the features of random inputs,
        # so the argmax varies between inputs and logits have spread ~4.
        last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
        feats = []
        hook = last.register_forward_hook(lambda mod, inp, out: feats.append(inp[0]))
        model(torch.randn((64, 3, SIZE, SIZE), generator=g))
        hook.remove()
        f = feats[0]
        mean = f.mean(0)
        last.bias.copy_(last.bias - last.weight @ mean)
        logits = (f - mean) @ last.weight.t()
        scale = 4.0 / float(logits.std())
        last.weight.mul_(scale)
        last.bias.mul_(scale)


def check_not_degenerate(model, x):
    with torch.no_grad():
        y = model(x[:4])
        y0 = model(torch.zeros_like(x[:1]))
    if float((y[0] - y0[0]).abs().max()) < 1e-3 * float(y.abs().max()):
        raise SystemExit("make-models: f(x) equals f(0): degenerate model")
    xi = x[:4].clone().requires_grad_(True)
    model(xi)[:, 0].sum().backward()
    if float(xi.grad.abs().max()) < 1e-6:
        raise SystemExit("make-models: the input gradient is zero: degenerate model")
    return float(y.std())


def conv_flops(path, batch):
    """FLOPs (2 per multiply-add) of the Conv and Gemm/MatMul nodes for one
    forward pass of @batch rows, from ONNX shape inference: dense convs
    (group 1), grouped/depthwise convs, and matrix products separately."""
    m = onnx.load(path)
    inp = m.graph.input[0]
    dims = inp.type.tensor_type.shape.dim
    dims[0].ClearField("dim_param")
    dims[0].dim_value = batch
    m = onnx.shape_inference.infer_shapes(m)
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for init in m.graph.initializer:
        shapes[init.name] = list(init.dims)
    dense = grouped = matmul = 0
    for node in m.graph.node:
        if node.op_type == "Conv":
            w = shapes.get(node.input[1])
            y = shapes.get(node.output[0])
            if not w or not y:
                continue
            group = next((a.i for a in node.attribute if a.name == "group"), 1)
            f = 2 * y[0] * y[1] * int(np.prod(y[2:])) * int(np.prod(w[1:]))
            if group == 1:
                dense += f
            else:
                grouped += f
        elif node.op_type in ("Gemm", "MatMul"):
            a = shapes.get(node.input[0])
            y = shapes.get(node.output[0])
            if a and y:
                matmul += 2 * int(np.prod(y)) * a[-1]
    return {"dense_conv": dense, "grouped_conv": grouped, "matmul": matmul}


def write_inputs(out, name, x, targets):
    xp = os.path.join(out, f"{name}-x50.npy")
    tp = os.path.join(out, f"{name}-targets.npy")
    np.save(xp, x.astype(np.float32))
    np.save(tp, targets.astype(np.int64))
    return xp, tp


def torchvision_model(out, name, arch, force, seed):
    import torchvision

    onnx_path = os.path.join(out, f"{name}.onnx")
    pt_path = os.path.join(out, f"{name}.pt")
    xp = os.path.join(out, f"{name}-x50.npy")
    tp = os.path.join(out, f"{name}-targets.npy")
    torch.manual_seed(seed)
    model = getattr(torchvision.models, arch)(weights=None)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, 3, SIZE, SIZE)).astype(np.float32)
    if force or not all(os.path.exists(p) for p in (onnx_path, pt_path, xp, tp)):
        reinit(model, seed)
        spread = check_not_degenerate(model, torch.from_numpy(x))
        torch.save(model.state_dict(), pt_path)
        with torch.no_grad():
            targets = model(torch.from_numpy(x)).argmax(1).numpy()
        torch.onnx.export(model, torch.from_numpy(x[:1]), onnx_path + ".tmp", opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=True)
        onnx.checker.check_model(onnx_path + ".tmp")
        os.replace(onnx_path + ".tmp", onnx_path)
        write_inputs(out, name, x, targets)
        print(f"make-models: {name}: exported ({os.path.getsize(onnx_path) / 1e6:.1f} MB, "
              f"logit std {spread:.2f}, {len(set(targets.tolist()))} distinct targets in 50)",
              file=sys.stderr)
    return {"name": name, "onnx": onnx_path, "input": xp, "targets": tp,
            "torch": {"kind": "torchvision", "arch": arch, "state": pt_path},
            "flops": conv_flops(onnx_path, BATCH), "batch_fixed": 0}


def demo_model(out, path, seed):
    """The demo CNN as it is: inputs in [0, 1) of its declared shape."""
    m = onnx.load(path)
    dims = m.graph.input[0].type.tensor_type.shape.dim
    shape = [d.dim_value if d.dim_value > 0 else -1 for d in dims]
    fixed = shape[0] if shape[0] > 0 else 0
    rest = [s if s > 0 else SIZE for s in shape[1:]]
    rng = np.random.default_rng(seed)
    x = rng.random([BATCH] + rest).astype(np.float32)
    net = onnx_torch.OnnxModule(m)
    with torch.no_grad():
        y = torch.cat([net(torch.from_numpy(x[i:i + 1])) for i in range(BATCH)]) if fixed == 1 \
            else net(torch.from_numpy(x))
    targets = y.argmax(1).numpy()
    xp, tp = write_inputs(out, "demo-cnn", x, targets)
    flops = conv_flops(path, BATCH) if fixed == 0 else {k: v * BATCH for k, v in
                                                       conv_flops(path, 1).items()}
    return {"name": "demo-cnn", "onnx": path, "input": xp, "targets": tp,
            "torch": {"kind": "onnx"}, "flops": flops, "batch_fixed": fixed,
            "sha256": sha256(path)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-models"))
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)

    manifest_path = os.path.join(out, "manifest.json")
    old = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = json.load(f)
    force = args.force or old.get("version") != VERSION

    models, notes = [], []
    models.append(torchvision_model(out, "resnet18", "resnet18", force, SEED))
    models.append(torchvision_model(out, "mobilenet_v2", "mobilenet_v2", force, SEED + 1))
    demo = os.path.join(ROOT, "resources", "demo", "fashion-cnn.onnx")
    if os.path.exists(demo):
        try:
            models.append(demo_model(out, demo, SEED + 2))
        except Exception as e:  # an unfinished demo model must not stop the benchmark
            notes.append(f"demo CNN {demo}: could not prepare inputs: {e}")
    else:
        notes.append(f"demo CNN skipped: {os.path.relpath(demo, ROOT)} does not exist yet")

    with open(manifest_path + ".tmp", "w") as f:
        json.dump({"version": VERSION, "batch": BATCH, "size": SIZE, "seed": SEED,
                   "models": models, "notes": notes}, f, indent=1)
    os.replace(manifest_path + ".tmp", manifest_path)
    for n in notes:
        print("make-models: " + n, file=sys.stderr)


if __name__ == "__main__":
    main()

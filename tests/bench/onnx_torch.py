"""onnx_torch.py: runs an ONNX graph with PyTorch operators (eager, autograd).

The PyTorch peer of the benchmark uses it for models that have no PyTorch
source here (the demo CNN), so PyTorch executes exactly the same graph as
Candor and ONNX Runtime. It covers the ops small classifiers use; an
unsupported op raises NotImplementedError naming it.
"""
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads(pads, n):
    """ONNX [b0, b1, …, e0, e1, …] → symmetric torch padding, or None."""
    if not pads:
        return [0] * n
    if list(pads[:n]) == list(pads[n:]):
        return list(pads[:n])
    return None


def _pad_input(x, pads, n, value=0.0):
    # F.pad wants the last dimension first: (left, right, top, bottom)
    p = []
    for i in reversed(range(n)):
        p += [pads[i], pads[i + n]]
    return F.pad(x, p, value=value)


class OnnxModule(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        if isinstance(model, str):
            model = onnx.load(model)
        self.graph = model.graph
        self.consts = {}
        for init in self.graph.initializer:
            a = numpy_helper.to_array(init)
            t = torch.from_numpy(a.copy())
            self.consts[init.name] = t
        self.input_names = [i.name for i in self.graph.input if i.name not in self.consts]
        self.output_names = [o.name for o in self.graph.output]

    def forward(self, *inputs):
        env = dict(self.consts)
        env.update(zip(self.input_names, inputs))
        for node in self.graph.node:
            ins = [env[n] if n else None for n in node.input]
            outs = self._run(node, ins, _attrs(node))
            if not isinstance(outs, (list, tuple)):
                outs = [outs]
            for name, v in zip(node.output, outs):
                if name:
                    env[name] = v
        res = [env[n] for n in self.output_names]
        return res[0] if len(res) == 1 else res

    def _run(self, node, x, a):
        op = node.op_type
        if op == "Conv":
            w = x[1]
            n = w.dim() - 2
            b = x[2] if len(x) > 2 else None
            pads = a.get("pads")
            if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                raise NotImplementedError("Conv auto_pad")
            sym = _pads(pads, n)
            inp = x[0]
            if sym is None:
                inp, sym = _pad_input(inp, pads, n), [0] * n
            conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[n]
            return conv(inp, w, b, stride=a.get("strides", [1] * n), padding=sym,
                        dilation=a.get("dilations", [1] * n), groups=a.get("group", 1))
        if op in ("MaxPool", "AveragePool"):
            k = a["kernel_shape"]
            n = len(k)
            pads = a.get("pads")
            sym = _pads(pads, n)
            inp = x[0]
            if sym is None:
                inp = _pad_input(inp, pads, n, float("-inf") if op == "MaxPool" else 0.0)
                sym = [0] * n
            s = a.get("strides", [1] * n)
            ceil = bool(a.get("ceil_mode", 0))
            if op == "MaxPool":
                pool = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[n]
                return pool(inp, k, s, sym, dilation=a.get("dilations", [1] * n), ceil_mode=ceil)
            pool = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[n]
            return pool(inp, k, s, sym, ceil_mode=ceil,
                        count_include_pad=bool(a.get("count_include_pad", 0)))
        if op == "GlobalAveragePool":
            return x[0].mean(dim=tuple(range(2, x[0].dim())), keepdim=True)
        if op == "GlobalMaxPool":
            return x[0].amax(dim=tuple(range(2, x[0].dim())), keepdim=True)
        if op == "BatchNormalization":
            return F.batch_norm(x[0], x[3], x[4], x[1], x[2], False, 0.0, a.get("epsilon", 1e-5))
        if op == "Gemm":
            A, B = x[0], x[1]
            if a.get("transA", 0):
                A = A.t()
            if a.get("transB", 0):
                B = B.t()
            y = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
            return y
        if op == "MatMul":
            return x[0] @ x[1]
        simple = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div,
                  "Relu": F.relu, "Sigmoid": torch.sigmoid, "Tanh": torch.tanh,
                  "Exp": torch.exp, "Log": torch.log, "Neg": torch.neg, "Abs": torch.abs,
                  "Sqrt": torch.sqrt, "Erf": torch.erf, "Pow": torch.pow,
                  "HardSwish": F.hardswish}
        if op in simple:
            return simple[op](*x)
        if op == "LeakyRelu":
            return F.leaky_relu(x[0], a.get("alpha", 0.01))
        if op == "HardSigmoid":
            return torch.clamp(a.get("alpha", 0.2) * x[0] + a.get("beta", 0.5), 0, 1)
        if op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else a.get("min")
            hi = x[2] if len(x) > 2 and x[2] is not None else a.get("max")
            return torch.clamp(x[0], None if lo is None else float(lo),
                               None if hi is None else float(hi))
        if op in ("Identity", "Dropout"):
            return x[0]
        if op == "Flatten":
            ax = a.get("axis", 1)
            return x[0].reshape(int(np.prod(x[0].shape[:ax])), -1)
        if op == "Reshape":
            shape = [int(s) for s in x[1].tolist()]
            shape = [x[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            return x[0].reshape(shape)
        if op == "Transpose":
            return x[0].permute(a.get("perm", list(reversed(range(x[0].dim())))))
        if op == "Concat":
            return torch.cat(x, dim=a["axis"])
        if op in ("Softmax", "LogSoftmax"):
            f = torch.softmax if op == "Softmax" else torch.log_softmax
            return f(x[0], dim=a.get("axis", -1))
        if op == "Constant":
            return torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        if op == "Shape":
            return torch.tensor(list(x[0].shape), dtype=torch.int64)
        if op == "Gather":
            return torch.index_select(x[0], a.get("axis", 0), x[1].reshape(-1)).reshape(
                list(x[0].shape[:a.get("axis", 0)]) + list(x[1].shape) +
                list(x[0].shape[a.get("axis", 0) + 1:]))
        if op == "Unsqueeze":
            axes = a.get("axes") or x[1].tolist()
            y = x[0]
            for ax in sorted(int(v) % (y.dim() + len(axes)) for v in axes):
                y = y.unsqueeze(ax)
            return y
        if op == "Squeeze":
            axes = a.get("axes") or (x[1].tolist() if len(x) > 1 else None)
            return x[0].squeeze() if axes is None else x[0].squeeze(tuple(int(v) for v in axes))
        if op in ("ReduceMean", "ReduceSum"):
            axes = a.get("axes") or (x[1].tolist() if len(x) > 1 else list(range(x[0].dim())))
            f = torch.mean if op == "ReduceMean" else torch.sum
            return f(x[0], dim=tuple(int(v) for v in axes), keepdim=bool(a.get("keepdims", 1)))
        raise NotImplementedError(f"onnx_torch: the op {op} (node {node.name})")

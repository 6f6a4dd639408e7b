#!/usr/bin/python3
"""Writes tests/malformed/: crafted hostile files, one fault each, and
tests/malformed/cases.txt listing, per file, the candor-cli command that
reads it and the one-line error it must give.

Run by hand: /usr/bin/python3 build-aux/make-malformed.py
Needs Debian's python3-onnx and python3-numpy. Every file is small.
"""
import os, struct, zlib
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "tests", "malformed")
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    if f != "README.md":
        os.remove(os.path.join(out, f))
cases = []

def save(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

def case(name, data, command, expected):
    """command uses FILE for the file itself and ROOT for tests/malformed."""
    if data is not None:
        save(name, data)
    cases.append((name, command, expected))

def relu_model(opset=13, dims=("N", 3), extra_nodes=(), inits=(), inputs=None, outputs=None, nodes=None):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(dims))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = nodes if nodes is not None else [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    g = helper.make_graph(list(nodes) + list(extra_nodes), "g", inputs if inputs is not None else [x],
                          outputs if outputs is not None else [y], initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="malformed")
    m.ir_version = 8
    return m

def raw(m):
    return m.SerializeToString()

good = raw(relu_model())
save("good-relu.onnx", good)
INFO = "info FILE"

# ---- ONNX models ------------------------------------------------------
case("empty.onnx", b"", INFO, "FILE: the file is empty")
case("truncated.onnx", good[: len(good) // 2], INFO, "FILE: truncated or corrupt: field 7 at byte 13 claims 56 bytes but only 23 remain")
case("random.onnx", bytes((i * 167 + 13) % 256 for i in range(512)), INFO, "FILE: not an ONNX model (invalid protobuf data at byte 9)")
case("text.onnx", b"this is not a model\n", INFO, "FILE: not an ONNX model (invalid protobuf data at byte 0)")
png_magic = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
case("png-as-model.onnx", png_magic, INFO, "FILE: not an ONNX model (invalid protobuf data at byte 0)")
flipped = bytearray(good); flipped[0] ^= 0x07  # field 1 (ir_version) with wire type 7
case("bitflip-wiretype.onnx", bytes(flipped), INFO, "FILE: not an ONNX model (invalid protobuf data at byte 0)")
# field 7 (graph) with a varint length of 2^62
huge = b"\x08\x08" + b"\x3a" + bytes([0x80] * 8 + [0x40]) + b"\x00" * 16
case("varint-2-62.onnx", huge, INFO, "FILE: truncated or corrupt: field 7 at byte 2 claims 4611686018427387904 bytes but only 16 remain")
m = relu_model(); m.ClearField("graph")
case("no-graph.onnx", raw(m), INFO, "FILE: the model has no graph")
case("opset-99.onnx", raw(relu_model(opset=99)), INFO, "FILE: opset 99 is newer than the engine knows (it supports opsets 1 to 18)")
m = relu_model(nodes=[helper.make_node("FrobnicateV9", ["x"], ["y"], name="frob")])
case("unknown-op.onnx", raw(m), "predict --model FILE --input ROOT/x3.npy", "FILE: the engine does not support the operator FrobnicateV9")
m = relu_model(nodes=[helper.make_node("Relu", ["b"], ["a"], name="r1"), helper.make_node("Relu", ["a"], ["b"], name="r2"),
                      helper.make_node("Relu", ["b"], ["y"], name="r3")])
case("cycle.onnx", raw(m), INFO, "FILE: the graph has a cycle through node r1 (Relu)")
m = relu_model(nodes=[helper.make_node("Relu", ["x"], ["y"], name="first"), helper.make_node("Relu", ["x"], ["y"], name="second")])
case("two-producers.onnx", raw(m), INFO, "FILE: node second (Relu): output 'y' is already produced by another node")
m = relu_model(nodes=[helper.make_node("Relu", ["ghost"], ["y"], name="relu")])
case("missing-input.onnx", raw(m), INFO, "FILE: node relu (Relu): input 'ghost' is not produced by any node, graph input or initializer")
w = numpy_helper.from_array(np.ones((2, 3), np.float32), "w")
w.raw_data = w.raw_data[:-4]
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("short-initializer.onnx", raw(m), INFO, "FILE: initializer 'w' has 20 bytes of data but its shape [2, 3] of float needs 24")
w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 3], float_data=[1.0, 2.0])
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("short-initializer-typed.onnx", raw(m), INFO, "FILE: initializer 'w' has 2 values but its shape [2, 3] needs 6")
w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 40], raw_data=b"\0\0\0\0")
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("dims-2-40.onnx", raw(m), INFO, "FILE: initializer 'w' has 4 bytes of data but its shape [1099511627776] of float needs 4398046511104")
w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 40, 1 << 40, 1 << 40], raw_data=b"\0\0\0\0")
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("dims-overflow.onnx", raw(m), INFO, "FILE: initializer 'w' is too large (dimension 1 is 1099511627776)")
w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[-3], raw_data=b"")
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("negative-dim.onnx", raw(m), INFO, "FILE: initializer 'w' has a negative dimension (-3)")
w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1] * 9, raw_data=b"\0\0\0\0")
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("nine-dims.onnx", raw(m), INFO, "FILE: initializer 'w' has 9 dimensions; at most 8 are supported")
w = TensorProto(name="w", data_type=TensorProto.STRING, dims=[1], string_data=[b"x"])
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("string-initializer.onnx", raw(m), INFO, "FILE: initializer 'w' has element type string, which the engine does not support")
w = TensorProto(name="w", dims=[1], raw_data=b"\0\0\0\0")
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w])
case("undefined-type.onnx", raw(m), INFO, "FILE: initializer 'w' has element type undefined, which the engine does not support")
w1 = numpy_helper.from_array(np.ones((3,), np.float32), "w")
m = relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[w1, w1])
case("duplicate-initializer.onnx", raw(m), INFO, "FILE: initializer 'w' is defined twice")
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])
m = relu_model(inputs=[x, x])
case("input-twice.onnx", raw(m), INFO, "FILE: graph input 'x' is listed twice")
seq = helper.make_tensor_sequence_value_info("x", TensorProto.FLOAT, None)
m = relu_model(inputs=[seq])
case("sequence-input.onnx", raw(m), INFO, "FILE: 'x' is a sequence, map, optional or sparse value; only dense tensors are supported")
m = relu_model(outputs=[helper.make_tensor_value_info("nowhere", TensorProto.FLOAT, None)])
case("output-not-produced.onnx", raw(m), INFO, "FILE: graph output 'nowhere' is not produced by any node, input or initializer")
m = relu_model(outputs=[])
case("no-outputs.onnx", raw(m), INFO, "FILE: the graph has no outputs")
n = helper.make_node("Relu", ["x"], ["y"], name="noop"); n.op_type = ""
m = relu_model(nodes=[n])
case("empty-op-type.onnx", raw(m), INFO, "FILE: node noop has no op_type")
n = helper.make_node("Relu", ["x"], ["y"], name="relu", note=b"a\0b")
m = relu_model(nodes=[n])
case("nul-in-attribute.onnx", raw(m), INFO, "FILE: node relu (Relu): attribute 'note' holds a NUL byte")
def external(location, length=None):
    t = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[3])
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add(); e.key = "location"; e.value = location
    if length is not None:
        e = t.external_data.add(); e.key = "length"; e.value = str(length)
    return relu_model(nodes=[helper.make_node("Add", ["x", "w"], ["y"], name="add")], inits=[t])
case("external-absolute.onnx", raw(external("/etc/passwd")), INFO,
     "FILE: initializer 'w': external data location '/etc/passwd' is absolute; only files inside the model's folder are read")
case("external-climbs-out.onnx", raw(external("../../../../etc/passwd")), INFO,
     "FILE: initializer 'w': external data location '../../../../etc/passwd' lies outside the model's folder; refused")
case("external-missing.onnx", raw(external("no-such-weights.bin")), INFO,
     "FILE: initializer 'w': external data file 'no-such-weights.bin' cannot be opened")
save("weights-8-bytes.bin", b"\0" * 8)
case("external-short.onnx", raw(external("weights-8-bytes.bin")), INFO,
     "FILE: initializer 'w': external data file 'weights-8-bytes.bin' is shorter than offset 0 + 12 bytes")
case("external-length-mismatch.onnx", raw(external("weights-8-bytes.bin", length=8)), INFO,
     "FILE: initializer 'w': external data length 8 differs from the 12 bytes the shape needs")

# ---- NPY inputs for good-relu.onnx ([N, 3]) ---------------------------
def npy(header, data=b"", version=1):
    h = header.encode("latin1")
    pad = (64 - (10 + len(h) + 1) % 64) % 64
    h = h + b" " * pad + b"\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h + data
np.save(os.path.join(out, "x3.npy"), np.array([[1.0, -2.0, 3.0]], np.float32))
PRED = "predict --model ROOT/good-relu.onnx --input FILE"
case("npy-bad-magic.npy", b"\x93NUMPX\x01\x00" + b"\0" * 40, PRED, "FILE: not a NumPy .npy file (bad magic)")
case("npy-version-9.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", b"\0" * 12, version=9), PRED,
     "FILE: NPY format version 9 is not supported")
case("npy-header-past-end.npy", b"\x93NUMPY\x01\x00\xff\x7f{'descr'", PRED, "FILE: the header length 32767 runs past the end of the file")
case("npy-fortran.npy", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", b"\0" * 12), PRED,
     "FILE: Fortran-order arrays are not supported; save with C order")
case("npy-complex.npy", npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 3), }", b"\0" * 24), PRED,
     "FILE: unsupported element type in the header")
case("npy-object.npy", npy("{'descr': '|O', 'fortran_order': False, 'shape': (1, 3), }", b"\0" * 24), PRED,
     "FILE: unsupported element type in the header")
case("npy-absurd-shape.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 3), }"), PRED,
     "FILE: the header promises 3298534883328 elements but the file holds only 0 bytes of data")
case("npy-overflow-shape.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"), PRED,
     "FILE: the array is too large (dimension 1 is 4294967296)")
case("npy-truncated-data.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", b"\0" * 8), PRED,
     "FILE: the header promises 3 elements but the file holds only 8 bytes of data")
case("npy-negative-dim.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }"), PRED, "FILE: malformed header")
case("npy-missing-shape.npy", npy("{'descr': '<f4', 'fortran_order': False, }", b"\0" * 12), PRED, "FILE: malformed header")
case("npy-extra-key.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), 'evil': 1, }", b"\0" * 12), PRED,
     "FILE: unexpected header key 'evil'")
case("npy-unterminated.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3"), PRED, "FILE: malformed header")
case("npy-nine-dims.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", b"\0" * 4), PRED,
     "FILE: the array has more than 8 dimensions")
case("npy-integers.npy", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 3), }", b"\0" * 24), PRED,
     "FILE: the array holds integers; the model's input 'x' is float")
case("npy-wrong-shape.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", b"\0" * 16), PRED,
     "FILE: the array has shape [1, 4] but the model's input 'x' is [N, 3]")
case("npy-nan.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", struct.pack("<3f", 1.0, float("nan"), 2.0)), PRED,
     "FILE holds NaN at element 1")
case("npy-infinity.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", struct.pack("<3f", 1.0, 2.0, float("inf"))), PRED,
     "FILE holds an infinity at element 2")

# ---- PNG inputs for an image model ([N, 1, 4, 4]) ---------------------
img = relu_model(dims=("N", 1, 4, 4))
save("image-relu.onnx", raw(img))
IMG = "predict --model ROOT/image-relu.onnx --input FILE"
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
def png(w, h, idat=None, ihdr=None, color=0, depth=8):
    sig = b"\x89PNG\r\n\x1a\n"
    ih = ihdr if ihdr is not None else chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0))
    if idat is None:
        rows = b"".join(b"\0" + b"\x80" * w for _ in range(h))
        idat = chunk(b"IDAT", zlib.compress(rows))
    return sig + ih + idat + chunk(b"IEND", b"")
case("png-not-png.png", b"GIF89a" + b"\0" * 30, IMG, "FILE: not a PNG image")
case("png-signature-only.png", b"\x89PNG\r\n\x1a\n", IMG, "FILE: corrupt PNG: the file is truncated")
case("png-zero-size.png", png(0, 0), IMG, "FILE: corrupt PNG: Image width is zero in IHDR")
case("png-huge-dims.png", png(100000, 100000, idat=chunk(b"IDAT", zlib.compress(b"\0" * 64))), IMG,
     "FILE: the image is 100000x100000 pixels; Candor reads images of 1 to 16777216 pixels")
bomb_rows = zlib.compress(b"\0" * (5000 * 4000 + 4000), 9)
case("png-bomb.png", png(5000, 4000, idat=chunk(b"IDAT", bomb_rows)), IMG,
     "FILE: the image is 5000x4000 pixels; Candor reads images of 1 to 16777216 pixels")
bad_crc = bytearray(png(4, 4)); bad_crc[29] ^= 0xff
case("png-bad-crc.png", bytes(bad_crc), IMG, "FILE: corrupt PNG: IHDR: CRC error")
full = png(4, 4)
case("png-truncated-idat.png", full[: len(full) - 20], IMG, "FILE: corrupt PNG: the file is truncated")
case("png-garbage-zlib.png", png(4, 4, idat=chunk(b"IDAT", b"\x78\x9c\xff\xff\xff\xff")), IMG, "FILE: corrupt PNG: IDAT: invalid block type")
case("png-bad-depth.png", png(4, 4, depth=7), IMG, "FILE: corrupt PNG: Invalid bit depth in IHDR")

# ---- CSV tables for a tabular model ([N, 3] -> [N, 2]) and its schema ----
gemm = helper.make_node("Gemm", ["x", "W", "B"], ["y"], name="gemm")
W = numpy_helper.from_array(np.array([[0.5, -0.5], [1.0, -1.0], [-1.0, 1.0]], np.float32), "W")
B = numpy_helper.from_array(np.zeros(2, np.float32), "B")
save("tab-model.onnx", raw(relu_model(nodes=[gemm], inits=[W, B])))
TAB_SCHEMA = b"""{
  "features": [
    {"column": "income", "mean": 50000, "std": 20000},
    {"column": "purpose", "equals": "car"},
    {"column": "purpose", "equals": "education"}
  ],
  "label": {"column": "approved", "positive": "yes"},
  "sensitive": ["sex"]
}
"""
save("tab-schema.json", TAB_SCHEMA)
HEADER = b"income,purpose,sex,approved\n"
save("tab-data.csv", HEADER + b"52000,car,f,yes\n31000,education,m,no\n")
CSV = "fairness --model ROOT/tab-model.onnx --data FILE --schema ROOT/tab-schema.json"
case("csv-empty.csv", b"", CSV, "FILE: empty file (no header)")
case("csv-ragged-row.csv", HEADER + b"52000,car,f,yes\n31000,car,m\n", CSV, "FILE: row 2: 3 fields, the header has 4")
case("csv-unclosed-quote.csv", HEADER + b"52000,car,f,yes\n31000,\"car,m,no\n", CSV,
     "FILE: row 2, column purpose: unterminated quoted field")
case("csv-text-after-quote.csv", HEADER + b"52000,\"car\"s,f,yes\n", CSV,
     "FILE: row 1, column purpose: text after the closing quote")
case("csv-invalid-utf8.csv", HEADER + b"52000,caf\xe9,f,yes\n", CSV, "FILE: row 1, column purpose: invalid UTF-8")
case("csv-nul-byte.csv", HEADER + b"52000,car,f\x00,yes\n", CSV, "FILE: row 1, column sex: a NUL byte")
case("csv-duplicate-column.csv", b"income,purpose,sex,income\n1,car,f,2\n", CSV,
     "FILE: header: the column name 'income' appears twice (columns 1 and 4)")
case("csv-missing-column.csv", b"income,sex,approved\n52000,f,yes\n", CSV,
     "FILE: no column 'purpose', which ROOT/tab-schema.json names")
case("csv-unknown-category.csv", HEADER + b"52000,car,f,yes\n31000,boat,m,no\n", CSV,
     "FILE: row 2, column purpose: 'boat' is not one of the categories ROOT/tab-schema.json lists (car, education)")
case("csv-empty-cell.csv", HEADER + b"52000,car,f,yes\n,car,m,no\n", CSV,
     "FILE: row 2, column income: empty cell (give the column's features a \"fill\" in ROOT/tab-schema.json)")
case("csv-not-a-number.csv", HEADER + b"52k,car,f,yes\n", CSV, "FILE: row 1, column income: '52k' is not a number")
case("csv-header-only.csv", HEADER, CSV, "FILE: the table has a header but no rows")
case("csv-empty-label.csv", HEADER + b"52000,car,f,\n", CSV, "FILE: row 1, column approved: empty label")

SCHEMA = "fairness --model ROOT/tab-model.onnx --data ROOT/tab-data.csv --schema FILE"
case("schema-empty.json", b"", SCHEMA, "FILE: not a schema: the file is empty")
case("schema-not-json.json", b'{"features": [{"column": income}]}\n', SCHEMA,
     "FILE: not a schema: line 1, column 31: unexpected identifier `income', expected value")
case("schema-array.json", b"[]\n", SCHEMA, "FILE: not a schema: the file holds an array, not a JSON object")
case("schema-invalid-utf8.json", b'{"features": [{"column": "caf\xe9"}]}\n', SCHEMA, "FILE: not valid UTF-8")
case("schema-nested-65.json", b'{"features": ' + b"[" * 65 + b"\n", SCHEMA,
     "FILE: line 1: arrays and objects nested more than 64 deep")
case("schema-surrogate.json", b'{"features": [{"column": "income\\ud800"}]}\n', SCHEMA,
     "FILE: line 1: a string holds \\uD800, half of a UTF-16 surrogate pair")
case("schema-bad-escape.json", b'{"features": [{"column": "in\\come"}]}\n', SCHEMA,
     "FILE: line 1: a string holds the escape \\c, which JSON does not have")
case("schema-nul-escape.json", b'{"features": [{"column": "income\\u0000"}]}\n', SCHEMA,
     "FILE: line 1: a string holds \\u0000 (a NUL character)")
case("schema-no-features.json", b'{"label": {"column": "approved", "positive": "yes"}}\n', SCHEMA,
     "FILE: 'features' must be a non-empty list")
case("schema-unknown-key.json", b'{"features": [{"column": "income"}], "sensitve": ["sex"]}\n', SCHEMA,
     "FILE: the schema: unknown key 'sensitve' (expected features, label, favourable_output, sensitive, locked, name, description)")
case("schema-std-zero.json", b'{"features": [{"column": "income", "std": 0}]}\n', SCHEMA,
     "FILE: feature 1 (income): 'std' must be a positive number")
case("schema-both-kinds.json", b'{"features": [{"column": "purpose"}, {"column": "purpose", "equals": "car"}]}\n', SCHEMA,
     "FILE: feature 2 (purpose): the column is both numeric and categorical")
case("schema-fill-not-category.json", b'{"features": [{"column": "purpose", "equals": "car", "fill": "boat"}]}\n', SCHEMA,
     "FILE: column purpose: 'fill' 'boat' is not one of its categories")
case("schema-wrong-width.json", b'{"features": [{"column": "income"}, {"column": "purpose", "equals": "car"}]}\n', SCHEMA,
     "FILE: the schema encodes 2 feature(s); the model's input 'x' takes 3")
case("schema-favourable-output.json", TAB_SCHEMA.replace(b'"sensitive"', b'"favourable_output": 5, "sensitive"'), SCHEMA,
     "ROOT/tab-model.onnx: favourable_output 5 is not an output of the model (it has 2)")

# ---- .candor session files -------------------------------------------
SESSION = "report --session FILE --out ROOT/never-written.pdf"
def session(extra=b"", model=b'{"path": "tab-model.onnx"}', version=b"1"):
    return b'{"candor_session": ' + version + b', "model": ' + model + extra + b"}\n"
case("session-empty.candor", b"", SESSION, "FILE: not a session file: the file is empty")
case("session-not-json.candor", b"candor_session = 1\n", SESSION,
     "FILE: not a session file: line 1, column 14: unexpected identifier `candor_session', expected value")
case("session-array.candor", b"[1]\n", SESSION, "FILE: not a session file: the file holds an array, not a JSON object")
case("session-invalid-utf8.candor", session(b', "findings": [{"note": "caf\xe9"}]'), SESSION, "FILE: not valid UTF-8")
case("session-nested-65.candor", b'{"candor_session": 1, "extra": ' + b"[" * 65 + b"\n", SESSION,
     "FILE: line 1: arrays and objects nested more than 64 deep")
case("session-surrogate.candor", session(model=b'{"path": "\\udc00.onnx"}'), SESSION,
     "FILE: line 1: a string holds \\uDC00, half of a UTF-16 surrogate pair")
case("session-no-version.candor", b'{"model": {"path": "tab-model.onnx"}}\n', SESSION,
     "FILE: member 'candor_session' is missing: this is not a Candor session")
case("session-version-9.candor", session(version=b"9"), SESSION,
     "FILE: member 'candor_session' is version 9, newer than this Candor reads (1)")
case("session-version-text.candor", session(version=b'"1"'), SESSION, "FILE: member 'candor_session' must be a version number")
case("session-no-model.candor", b'{"candor_session": 1}\n', SESSION, "FILE: member 'model' is missing")
case("session-model-no-path.candor", session(model=b'{"sha256": null}'), SESSION, "FILE: member 'path' of 'model' is missing")
case("session-bad-sha256.candor", session(model=b'{"path": "tab-model.onnx", "sha256": "XYZ"}'), SESSION,
     "FILE: member 'sha256' of 'model' must be 64 lowercase hex digits")
case("session-steps-range.candor", session(b', "methods": {"ig_steps": 0}'), SESSION,
     "FILE: member 'ig_steps' of 'methods' is 0, out of range (2 to 100000)")
case("session-selected-numbers.candor", session(b', "selected": [3]'), SESSION, "FILE: member 'selected' must hold strings only")
case("session-finding-no-note.candor", session(b', "findings": [{"note": "a"}, {"sample": "row 2"}]'), SESSION,
     "FILE: member 'note' of finding 2 is missing")

with open(os.path.join(out, "cases.txt"), "w") as f:
    f.write("# file\tcommand (FILE: this file, ROOT: this folder)\texpected stderr after 'candor-cli: '\n")
    for name, command, expected in cases:
        f.write("%s\t%s\t%s\n" % (name, command, expected))
print(len(cases), "cases")

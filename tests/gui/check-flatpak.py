#!/usr/bin/env python3
# check-flatpak.py MANIFEST APP_ID: the Flatpak manifest is valid JSON and
# consistent with the build: the application id, the command, no network
# permission (Candor makes no network access), and the onnx.proto path the
# candor module is configured with is the one the onnx-proto module installs.
#
# Copyright 2026 The Candor authors
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import sys


def fail(message):
    print("check-flatpak: " + message, file=sys.stderr)
    sys.exit(1)


manifest_path, app_id = sys.argv[1], sys.argv[2]
with open(manifest_path) as f:
    m = json.load(f)
if m.get("id") != app_id:
    fail("id %r is not %r" % (m.get("id"), app_id))
if m.get("command") != "candor":
    fail("command is %r, not candor" % m.get("command"))
if not m.get("runtime", "").startswith("org.gnome."):
    fail("runtime %r is not the GNOME runtime" % m.get("runtime"))
if any("network" in a for a in m.get("finish-args", [])):
    fail("finish-args grant network access")
modules = {mod["name"]: mod for mod in m["modules"]}
candor = m["modules"][-1]
if candor["name"] != "candor" or candor["buildsystem"] != "meson":
    fail("the last module must build candor with meson")
proto = [o.split("=", 1)[1] for o in candor.get("config-opts", []) if o.startswith("-Donnx_proto=")]
installed = " ".join(modules.get("onnx-proto", {}).get("build-commands", []))
if len(proto) != 1 or proto[0] not in installed:
    fail("-Donnx_proto does not name the file the onnx-proto module installs")
for needed in ("openblas", "protobuf-c"):
    if needed not in modules:
        fail("no %s module" % needed)
for mod in m["modules"]:
    for src in mod.get("sources", []):
        if src["type"] == "git" and not (src.get("tag") or src.get("commit")):
            fail("module %s: a git source without a tag or commit" % mod["name"])

#!/usr/bin/python3
"""merge_rounds.py: one peer's JSON from its rounds (tests/bench/run).

    /usr/bin/python3 tests/bench/merge_rounds.py OUT.json ROUND.json...

The peers run in rounds, one after the other within each round, each
round a fresh process of every peer. On the benchmark VM a run goes
either at full speed or some 40 % slower, for a whole process or a spell
of a minute, ONNX Runtime and PyTorch as much as Candor (2026-12-07:
Candor's rounds 19-20 or 27-30 ms, ORT's 16.6-17 or 24-25). So each
timing list (models.NAME.MEASURE) is the one of the round with the lowest
median: every peer is measured in its own best round, the same rule for
all. "round_medians" keeps every round's
median beside it. An sgemm probe keeps its best median over the rounds;
everything else comes from the first round that has it. A round that did
not produce a readable file is left out (the run notes the failure).
"""
import statistics
import json
import sys


def merge(rounds):
    out = {}
    for r in rounds:
        for key, value in r.items():
            if key == "models":
                models = out.setdefault("models", {})
                for name, measures in value.items():
                    into = models.setdefault(name, {})
                    spread = into.setdefault("round_medians", {})
                    for m, v in measures.items():
                        if isinstance(v, list) and v and all(isinstance(x, (int, float)) for x in v):
                            spread.setdefault(m, []).append(statistics.median(v))
                            if m not in into or statistics.median(v) < statistics.median(into[m]):
                                into[m] = v
                        else:
                            into.setdefault(m, v)
            elif key == "sgemm":
                best = {p["name"]: p for p in out.get("sgemm", [])}
                for p in value:
                    q = best.get(p["name"])
                    if q is None or p.get("median_ms", 1e30) < q.get("median_ms", 1e30):
                        best[p["name"]] = p
                out["sgemm"] = list(best.values())
            else:
                out.setdefault(key, value)
    out["rounds"] = len(rounds)
    return out


def main():
    rounds = []
    for path in sys.argv[2:]:
        try:
            with open(path) as f:
                rounds.append(json.load(f))
        except (OSError, ValueError):
            continue
    if not rounds:
        return 1
    with open(sys.argv[1], "w") as f:
        json.dump(merge(rounds), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""merge_rounds.py: one peer's JSON from its rounds (tests/bench/run).

    /usr/bin/python3 tests/bench/merge_rounds.py OUT.json ROUND.json...

The peers run in rounds, one after the other within each round, so that
a slow minute of the (shared, noisy) machine falls on all of them rather
than on one. Here a peer's rounds become one JSON of the usual form: the
timing lists (models.NAME.MEASURE) are concatenated in round order and
"reps" adds up; an sgemm probe keeps its best median over the rounds;
everything else comes from the first round that has it. A round that did
not produce a readable file is left out (the run notes the failure).
"""
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
                    for m, v in measures.items():
                        if isinstance(v, list) and m in into and isinstance(into[m], list):
                            into[m] = into[m] + v
                        else:
                            into.setdefault(m, v)
            elif key == "sgemm":
                best = {p["name"]: p for p in out.get("sgemm", [])}
                for p in value:
                    q = best.get(p["name"])
                    if q is None or p.get("median_ms", 1e30) < q.get("median_ms", 1e30):
                        best[p["name"]] = p
                out["sgemm"] = list(best.values())
            elif key == "reps" and "reps" in out:
                out["reps"] += value
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

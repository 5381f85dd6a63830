"""Where a server spends its samples: a py-spy raw (collapsed) profile summarised by frame.

    .venv/bin/python bench/profile_summary.py /tmp/prof/current-api.txt [--top 40] [--match safeconduct]

Prints, for the most frequent frames, the share of all samples in which the frame is on the stack
(inclusive) and at its top (self). Idle threads (waiting on a lock, a socket, a condition) are counted
apart, so the shares are of the samples where a thread was doing work.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

IDLE = ("wait (threading.py", "Condition.wait (threading", "Connection.wait (psycopg", "EpollSelector.select",
        "_worker (concurrent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only frames whose text contains this")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for path in args.profile:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = stack.split(";")
            n = int(count)
            top = frames[-1]
            if any(top.startswith(i) for i in IDLE):
                continue
            total += n
            own[top] += n
            for frame in set(frames):
                inclusive[frame] += n
    print(f"{total} busy samples")
    print("inclusive  self  frame")
    shown = 0
    for frame, n in inclusive.most_common():
        if args.match and args.match not in frame:
            continue
        print(f"{n / total:8.1%} {own[frame] / total:6.1%}  {frame[:150]}")
        shown += 1
        if shown >= args.top:
            break


if __name__ == "__main__":
    main()

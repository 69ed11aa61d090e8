"""Measuring a simulated class: memory per student (RSS, PSS, USS and the distinct physical pages of a student's
server and kernels together) and percentiles."""
from __future__ import annotations

from typing import Optional


def _resident_frames(pid: int) -> Optional[set]:
    """The physical page frames a process has in memory (from /proc/PID/pagemap; needs root to see frame
    numbers, else None). Only mappings with resident pages are read."""
    import struct

    frames = set()
    try:
        with open(f"/proc/{pid}/smaps", "rb") as f:
            smaps = f.read().decode("latin-1").splitlines()
        ranges, current = [], None
        for line in smaps:
            head = line.split(" ", 1)[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = head.split("-")
                current = (int(lo, 16), int(hi, 16))
            elif line.startswith("Rss:") and current and int(line.split()[1]) > 0:
                ranges.append(current)
        with open(f"/proc/{pid}/pagemap", "rb") as pm:
            for lo, hi in ranges:
                pm.seek(lo // 4096 * 8)
                data = pm.read((hi - lo) // 4096 * 8)
                for (entry,) in struct.iter_unpack("<Q", data):
                    if entry >> 63 & 1:                       # present in RAM
                        pfn = entry & ((1 << 55) - 1)
                        if pfn:
                            frames.add(pfn)
    except (OSError, ValueError):
        return None
    return frames or None


def distinct_mb(pids) -> Optional[float]:
    """Memory of a group of processes with every physical page counted once: what a student's pod (server and
    kernels, sharing the Python interpreter and libraries between them) occupies. None when not measurable."""
    union = set()
    for pid in pids:
        frames = _resident_frames(pid)
        if frames is None:
            return None
        union |= frames
    return round(len(union) * 4096 / 1e6, 1)


def memory_snapshot(hub) -> dict:
    """Per student: RSS of the single-user server and its kernels, PSS/USS (shared pages split fairly), the distinct
    pages of the whole group, the number of kernels and CPU seconds so far."""
    import psutil

    out = {}
    for p in hub.processes():
        try:
            cmd = " ".join(p.cmdline())
            if not ("jupyterhub-singleuser" in cmd or "sciatica_singleuser" in cmd):
                continue
            user = p.environ().get("JUPYTERHUB_USER")
            kids = p.children(recursive=True)
            s, ks = p.memory_full_info(), [k.memory_full_info() for k in kids]
            cs = p.cpu_times()
            out[user] = {
                "kernels": len(kids), "server_rss_mb": round(s.rss / 1e6, 1),
                "kernel_rss_mb": round(sum(k.rss for k in ks) / 1e6, 1),
                "student_pss_mb": round((s.pss + sum(k.pss for k in ks)) / 1e6, 1),
                "student_uss_mb": round((s.uss + sum(k.uss for k in ks)) / 1e6, 1),
                "student_distinct_mb": distinct_mb([p.pid] + [k.pid for k in kids]),
                "server_cpu_s": round(cs.user + cs.system, 2),
                "kernel_cpu_s": round(sum(sum(k.cpu_times()[:2]) for k in kids), 2)}
        except psutil.Error:
            continue
    return out


def measure_memory(hub, results: list) -> None:
    """Memory at the end of the path, kernels as the students left them (into each StudentResult)."""
    snap = memory_snapshot(hub)
    for res in results:
        m = snap.get(res.name)
        if m:
            res.kernels_alive = m["kernels"]
            for k, v in m.items():
                if k != "kernels":
                    setattr(res, k, v)


def _pct(values, q):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


#!/usr/bin/env python3
"""Draw the add-in icons the manifests reference (static/icons/icon-<size>.png) with the standard library.

Two people joined by a line on a rounded blue square, anti-aliased by supersampling. Run it again after
changing the drawing; the PNGs are committed, so deployments need nothing but the repository:
    python scripts/make_icons.py [output folder]
"""
from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZES = (16, 32, 64, 80, 128)
OUT = Path(__file__).resolve().parents[1] / "server" / "introducer" / "web" / "static" / "icons"
BLUE, WHITE = (0x2F, 0x55, 0x97), (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis


def _inside_rounded_square(x: float, y: float, radius: float = 0.2) -> bool:
    cx, cy = min(max(x, radius), 1 - radius), min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def _on_figure(x: float, y: float) -> bool:
    """Two heads and shoulders, and the line that introduces them (unit square coordinates)."""
    for cx in (0.3, 0.7):
        if (x - cx) ** 2 + (y - 0.36) ** 2 <= 0.11 ** 2:  # head
            return True
        if (x - cx) ** 2 / 0.17 ** 2 + (y - 0.78) ** 2 / 0.2 ** 2 <= 1 and y <= 0.78:  # shoulders
            return True
    return 0.3 <= x <= 0.7 and abs(y - 0.56) <= 0.035  # the introduction


def pixels(size: int) -> list[list[tuple[int, int, int, int]]]:
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            square = figure = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x, y = (px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size
                    if _inside_rounded_square(x, y):
                        square += 1
                        figure += _on_figure(x, y)
            n = SAMPLES * SAMPLES
            alpha = round(255 * square / n)
            mix = figure / square if square else 0
            rgb = tuple(round(b * (1 - mix) + w * mix) for b, w in zip(BLUE, WHITE))
            row.append((*rgb, alpha))
        rows.append(row)
    return rows


def png(rows: list[list[tuple[int, int, int, int]]]) -> bytes:
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (out / f"icon-{size}.png").write_bytes(png(pixels(size)))
        print(out / f"icon-{size}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)

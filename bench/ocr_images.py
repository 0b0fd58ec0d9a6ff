"""Generated test images for the image checks: patient details drawn on whiteboards, wristbands and screens,
and innocent flyers, posters and banners. Deterministic for a seed; nothing is written into the repository.

Each case is (image, phi_strings, kind): phi_strings are the strings a reader must find (empty for innocent
images). Sizes 18-48 px, 0-15 degree rotation, low contrast and blur, as issue 12 asks.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

LAST = ["ALVAREZ", "NGUYEN", "OKAFOR", "KOWALSKI", "JOHANSSON", "PATEL", "MORALES", "BRENNAN", "DUBOIS",
        "HASSAN", "FITZGERALD", "TANAKA", "SCHMIDT", "ROSSI", "WHITAKER", "LINDQVIST"]
FIRST = ["MARIA", "JAMES", "AMARA", "PIOTR", "INGRID", "RAVI", "LUCIA", "SEAN", "CLAIRE", "OMAR", "EILEEN",
         "KENJI", "HANNA", "MARCO", "GRACE", "TOMAS"]
INNOCENT = [
    ["Conference Room B", "Staff meeting 3pm"],
    ["Blood drive Saturday", "Main lobby 9am-3pm"],
    ["Nurses Week 2026", "Thank you for all you do"],
    ["Wash your hands", "Stop the spread"],
    ["Room 204 Training Session", "CPR recertification"],
    ["Flu shots today", "Cafeteria entrance"],
    ["Welcome new residents", "Class of 2026"],
    ["Heart Health Month", "Walk with us Friday"],
    ["Board Room A", "Quarterly town hall"],
    ["Volunteer fair", "Atrium, Tuesday 10am"],
]


@dataclass
class Case:
    image: Image.Image
    phi: list[str]
    kind: str


def _font(px: int):
    return ImageFont.load_default(size=px)


def _background(rng, kind, size):
    if kind == "whiteboard":
        return Image.new("RGB", size, (rng.randint(235, 250),) * 3), (rng.randint(20, 90),) * 3
    if kind == "wristband":
        return Image.new("RGB", size, (250, 250, rng.randint(225, 245))), (30, 30, 30)
    if kind == "screen":
        return Image.new("RGB", size, (rng.randint(10, 40), rng.randint(20, 50), rng.randint(60, 90))), (220, 230, 240)
    return Image.new("RGB", size, tuple(rng.randint(180, 255) for _ in range(3))), (rng.randint(0, 80),) * 3


def _finish(rng, img, low_contrast):
    angle = rng.uniform(0, 15) * rng.choice((-1, 1))
    img = img.rotate(angle, expand=True, fillcolor=img.getpixel((0, 0)), resample=Image.BICUBIC)
    if low_contrast:
        img = Image.blend(img, Image.new("RGB", img.size, (170, 170, 170)), 0.45)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.3)))
    return img


def phi_case(rng: random.Random, i: int) -> Case:
    kind = ("whiteboard", "wristband", "screen")[i % 3]
    px = rng.randint(18, 48)
    last, first = rng.choice(LAST), rng.choice(FIRST)
    mrn = str(rng.randint(10_000_000, 99_999_999))
    dob = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1930, 2015)}"
    room = str(rng.randint(101, 960))
    if kind == "wristband":
        rows = [(f"{last}, {first}", f"{last}, {first}"), (f"MRN {mrn}", mrn), (f"DOB {dob}", dob)]
    elif kind == "screen":
        rows = [(f"Name:      {last.title()}, {first.title()}", f"{last.title()}, {first.title()}"),
                (f"MRN:      {mrn}", mrn), (f"DOB:      {dob}", dob)]
    else:
        rows = [(f"Rm {room}  Pt: {first.title()} {last[0]}.", f"{first.title()} {last[0]}."),
                (f"ROOM {room}", room), (f"DOB {dob}", dob)]
    rows = rows[:2] + rows[2:] if rng.random() < 0.7 else rows[:2]
    font = _font(px)
    width = int(px * 0.62 * max(len(r[0]) for r in rows)) + 80
    size = (max(320, width), int(len(rows) * px * 1.8) + 60)
    img, ink = _background(rng, kind, size)
    d = ImageDraw.Draw(img)
    for n, (text, _) in enumerate(rows):
        d.text((40, 30 + int(n * px * 1.8)), text, fill=ink, font=font)
    low = rng.random() < 0.3
    return Case(_finish(rng, img, low), [r[1] for r in rows], kind)


def innocent_case(rng: random.Random, i: int) -> Case:
    lines = INNOCENT[i % len(INNOCENT)]
    px = rng.randint(24, 48)
    font = _font(px)
    size = (max(400, int(px * 0.62 * max(map(len, lines))) + 100), int(len(lines) * px * 2) + 80)
    img, ink = _background(rng, "flyer", size)
    d = ImageDraw.Draw(img)
    for n, text in enumerate(lines):
        d.text((50, 40 + n * px * 2), text, fill=ink, font=font)
    return Case(_finish(rng, img, rng.random() < 0.2), [], "innocent")


def cases(seed: int = 12, phi: int = 36, innocent: int = 20) -> list[Case]:
    rng = random.Random(seed)
    return [phi_case(rng, i) for i in range(phi)] + [innocent_case(rng, i) for i in range(innocent)]


def photo_12mp(seed: int = 12) -> Image.Image:
    """A 4000x3000 'photo': noisy gradient with a whiteboard in one corner."""
    rng = random.Random(seed)
    import numpy as np
    g = np.random.default_rng(seed)
    base = np.linspace(60, 200, 4000, dtype=np.float32)[None, :, None].repeat(3000, 0).repeat(3, 2)
    base += g.normal(0, 12, base.shape).astype(np.float32)
    img = Image.fromarray(base.clip(0, 255).astype("uint8"))
    board = phi_case(rng, 0).image.resize((1400, 600))
    img.paste(board, (300, 400))
    return img

"""Progress photos for the demo, drawn with Pillow at load time (no files from outside).

Each picture is a simple scene for the project's category (a ramp, a lit road, a reading
room, a garden...), varied by a seed so that no two look the same. No text: user-facing
words stay in the catalogue and the page.
"""

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 800, 533

SKIES = [(135, 190, 235), (170, 205, 235), (250, 190, 140), (40, 50, 90)]
PALETTES = {
    "care_aid": [(214, 72, 60), (250, 214, 160), (120, 90, 70)],
    "convenience": [(40, 120, 200), (240, 240, 240), (90, 90, 100)],
    "culture": [(200, 40, 40), (250, 220, 120), (140, 80, 50)],
    "service_support": [(30, 70, 140), (220, 220, 230), (200, 40, 40)],
    "construction": [(90, 90, 95), (250, 200, 60), (160, 160, 160)],
    "beautiful_home": [(60, 150, 80), (110, 190, 110), (60, 130, 190)],
}


def draw(category, seed, night=False):
    """JPEG bytes of a scene for ``category``; the same seed gives the same picture."""
    rnd = random.Random(seed)
    main, light, accent = PALETTES.get(category, PALETTES["convenience"])
    sky = SKIES[3] if night else SKIES[rnd.randrange(3)]
    image = Image.new("RGB", (WIDTH, HEIGHT), sky)
    d = ImageDraw.Draw(image)
    horizon = int(HEIGHT * rnd.uniform(0.55, 0.65))
    d.rectangle([0, horizon, WIDTH, HEIGHT], fill=(110, 160, 90) if not night else (40, 60, 40))
    if not night:
        x = rnd.randrange(80, WIDTH - 80)
        d.ellipse([x - 35, 40, x + 35, 110], fill=(255, 225, 120))
    # Houses along the horizon: white walls and dark roofs, as in Jiangnan villages.
    x = rnd.randrange(-40, 20)
    while x < WIDTH:
        w = rnd.randrange(90, 150)
        h = rnd.randrange(70, 120)
        d.rectangle([x, horizon - h, x + w, horizon], fill=(238, 236, 228), outline=(80, 80, 80))
        d.polygon([(x - 10, horizon - h), (x + w // 2, horizon - h - 40),
                   (x + w + 10, horizon - h)], fill=(60, 64, 72))
        for wx in range(x + 15, x + w - 20, 35):
            lit = (255, 220, 120) if night else (120, 160, 200)
            d.rectangle([wx, horizon - h + 25, wx + 18, horizon - h + 48], fill=lit)
        x += w + rnd.randrange(20, 60)
    _SCENES.get(category, _people)(d, rnd, horizon, main, light, accent, night)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _people(d, rnd, horizon, main, light, accent, night):
    for _ in range(rnd.randrange(3, 7)):
        x = rnd.randrange(40, WIDTH - 40)
        y = rnd.randrange(horizon + 40, HEIGHT - 20)
        d.ellipse([x - 9, y - 70, x + 9, y - 52], fill=(240, 200, 170))
        d.rectangle([x - 12, y - 52, x + 12, y - 15], fill=rnd.choice([main, accent]))
        d.rectangle([x - 10, y - 15, x + 10, y], fill=(50, 50, 60))


def _ramp(d, rnd, horizon, main, light, accent, night):
    d.polygon([(150, HEIGHT - 30), (560, HEIGHT - 30), (560, horizon + 20)], fill=(190, 190, 185))
    d.line([(150, HEIGHT - 60), (560, horizon - 10)], fill=main, width=6)
    _people(d, rnd, horizon, main, light, accent, night)


def _road(d, rnd, horizon, main, light, accent, night):
    d.polygon([(WIDTH // 2 - 30, horizon), (WIDTH // 2 + 30, horizon),
               (WIDTH - 80, HEIGHT), (80, HEIGHT)], fill=(70, 70, 75))
    for i in range(6):
        y = horizon + 10 + i * (HEIGHT - horizon) // 6
        d.rectangle([WIDTH // 2 - 3, y, WIDTH // 2 + 3, y + 18], fill=(240, 240, 240))
    for side in (-1, 1):
        for i in range(4):
            t = i / 4
            x = WIDTH // 2 + side * int(60 + t * 300)
            top = horizon - int(60 + t * 120)
            base = horizon + int(t * (HEIGHT - horizon))
            d.line([(x, top), (x, base)], fill=(60, 60, 60), width=3 + i)
            glow = (255, 230, 140) if night else accent
            d.ellipse([x - 8 - i * 2, top - 8 - i * 2, x + 8 + i * 2, top + 8 + i * 2], fill=glow)


def _room(d, rnd, horizon, main, light, accent, night):
    d.rectangle([120, 60, WIDTH - 120, HEIGHT - 40], fill=light, outline=accent, width=6)
    for shelf in range(4):
        y = 100 + shelf * 80
        d.line([(150, y + 60), (WIDTH // 2 - 20, y + 60)], fill=accent, width=5)
        x = 155
        while x < WIDTH // 2 - 40:
            w = rnd.randrange(10, 22)
            d.rectangle([x, y + rnd.randrange(5, 20), x + w, y + 58], fill=rnd.choice(
                [main, (60, 100, 160), (70, 140, 90), (230, 180, 60)]))
            x += w + 3
    d.rectangle([WIDTH // 2 + 40, HEIGHT - 170, WIDTH - 160, HEIGHT - 140], fill=accent)
    _people(d, rnd, HEIGHT - 160, main, light, accent, night)


def _garden(d, rnd, horizon, main, light, accent, night):
    d.ellipse([200, horizon + 40, 600, HEIGHT - 30], fill=accent)
    for _ in range(14):
        x = rnd.randrange(20, WIDTH - 20)
        y = rnd.randrange(horizon + 10, HEIGHT - 10)
        r = rnd.randrange(18, 40)
        d.line([(x, y), (x, y - r)], fill=(110, 80, 50), width=5)
        d.ellipse([x - r, y - 2 * r, x + r, y - r // 2], fill=rnd.choice([main, light]))


_SCENES = {
    "care_aid": _ramp,
    "convenience": _people,
    "culture": _room,
    "service_support": _people,
    "construction": _road,
    "beautiful_home": _garden,
}

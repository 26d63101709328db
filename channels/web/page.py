"""A small dealership landing page that embeds the chat widget, for the demo at `/`."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;
color:#1d2430;background:#f6f7f9}header{background:#0b3a6b;color:#fff;padding:16px 24px;
display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:8px}
header a{color:#fff;margin-left:16px;text-decoration:none}.hero{padding:48px 24px;
background:linear-gradient(120deg,#0b3a6b,#1f6fb2);color:#fff}.hero h1{margin:0 0 8px;
font-size:2rem}main{max-width:1000px;margin:0 auto;padding:24px}.cards{display:grid;
grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:16px}.card{background:#fff;
border-radius:10px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.1)}.price{font-weight:700;
color:#0b3a6b}footer{padding:24px;text-align:center;color:#5b6472;font-size:.9rem}
"""

Card = tuple[str, str, str]
"""(title, one-line description, price) of a featured vehicle, from the live inventory."""


def demo_page(dealership_name: str, slug: str, featured: Sequence[Card] = ()) -> str:
    """A complete HTML page for `dealership_name` with exactly one widget tag,
    `<script src="/widget.js" data-dealership="SLUG"></script>` (values HTML-escaped).
    `featured` vehicles come from the store; with none the section says so."""
    name = escape(dealership_name)
    cards = (
        "".join(
            f'<article class="card"><h3>{escape(title)}</h3><p>{escape(spec)}</p>'
            f'<p class="price">{escape(price)}</p></article>'
            for title, spec, price in featured
        )
        or "<p>Ask our assistant what is in stock today.</p>"
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{name} | New &amp; Used Cars, Service and Parts</title>
<style>{_CSS}</style>
</head>
<body>
<header><strong>{name}</strong>
<nav aria-label="Main"><a href="#inventory">Inventory</a><a href="#service">Service</a>
<a href="#visit">Visit us</a></nav></header>
<section class="hero"><h1>Find your next car at {name}</h1>
<p>Browse our inventory, book a test drive, or ask us anything &mdash; day or night.</p></section>
<main>
<h2 id="inventory">Featured vehicles</h2>
<div class="cards">{cards}</div>
<h2 id="service">Service &amp; parts</h2>
<p>Factory-trained technicians, genuine parts, and online service scheduling.</p>
<h2 id="visit">Visit us</h2>
<p>Questions about pricing, fees, financing or availability? Use the chat button in the
corner; our assistant answers right away and a member of our team can take over anytime.</p>
</main>
<footer>&copy; {name}. Prices exclude tax, title, license and dealer fees.</footer>
<script src="/widget.js" data-dealership="{escape(slug)}"></script>
</body>
</html>
"""

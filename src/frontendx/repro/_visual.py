"""What the visual assertions measure, shared by the replayer and the exported tests.

Each measurement is a page script: the replayer (`validate._replay`) evaluates these very
strings, and the exporter copies them into every exported file, so a claim is judged by the
same code in both places (exported tests need only pytest-playwright: no Pillow there, so the
pixel comparison runs in the browser too, on the PNGs Playwright took).

Semantics (docs/repro-language.md is generated from `_doc.NOTES`, which says the same):

- contrast: WCAG 2 relative luminance and ratio (sRGB, 0.03928 knee). The text colour and
  every background from the element up to the root are composited in premultiplied RGBA,
  each element's `opacity` applied to its group, over the canvas: the root's background
  (`html`'s, else `body`'s) over the browser's base colour (the CSS `Canvas` colour: white,
  or the dark canvas under `color-scheme: dark`). Background images and gradients are
  ignored (named in the failure message); so are `filter`, `mix-blend-mode` and text shadows.
- overflow: the target's content wider than its box; text clipped by `overflow-x: hidden`
  or `clip` or cut by `text-overflow: ellipsis` in the target or under it; or a box or text
  run under it sticking out past its left or right edge where nothing between clips it.
- pixel differences: a pixel differs when one of its R, G, B, A channels differs by more than
  the tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from frontendx.repro import _steps as s

FOCUS_MARGIN_PX = 6
"""`expect_focus_visible` compares the target's box inflated by this much on every side:
outlines and focus rings are drawn outside the box (a 2 px outline with a 2 px offset reaches
4 px out)."""

FOCUS_PIXEL_TOLERANCE = 16
"""A pixel counts as changed by focusing when a channel changes by more than this (0-255)."""

FOCUS_KEY = "Shift"
"""The key pressed before focusing the target, so the page is in keyboard modality and
`:focus-visible` applies to a scripted focus (Chromium keeps a scripted focus after a mouse
click out of `:focus-visible` otherwise). Shift alone types nothing and activates nothing."""

CONTRAST_JS = r"""(el, minRatio) => {
  const parse = (c) => {
    const n = '([\\d.e+-]+)';
    const alpha = '(?:\\s*[,/]\\s*([\\d.]+)(%?))?\\s*\\)$';
    let m = c.match(new RegExp(`^rgba?\\(\\s*${n}[\\s,]+${n}[\\s,]+${n}${alpha}`));
    if (m) {
      const a = m[4] === undefined ? 1 : parseFloat(m[4]) / (m[5] ? 100 : 1);
      return [+m[1], +m[2], +m[3], a];
    }
    m = c.match(new RegExp(`^color\\(srgb\\s+${n}\\s+${n}\\s+${n}${alpha}`));
    if (m) {
      const a = m[4] === undefined ? 1 : parseFloat(m[4]) / (m[5] ? 100 : 1);
      return [m[1], m[2], m[3]].map((v) => Math.min(255, Math.max(0, v * 255))).concat([a]);
    }
    // any other colour syntax (oklch, lab, ...): let the browser paint one pixel of it
    const ctx = new OffscreenCanvas(1, 1).getContext('2d');
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const pm = ([r, g, b, a]) => [r * a, g * a, b * a, a];
  const over = (top, under) => top.map((v, i) => v + under[i] * (1 - top[3]));
  const root = document.documentElement;
  const body = document.body;
  const bgOf = (n) => parse(getComputedStyle(n).backgroundColor);
  const probe = document.createElement('div');
  probe.style.cssText = 'position:absolute;width:0;height:0;background-color:Canvas';
  root.appendChild(probe);
  const base = parse(getComputedStyle(probe).backgroundColor);
  probe.remove();
  const owner = bgOf(root)[3] > 0 ? root : body && bgOf(body)[3] > 0 ? body : null;
  const opaque = pm([...base.slice(0, 3), 1]);
  const canvas = owner ? over(pm(bgOf(owner)), opaque) : opaque;
  const chain = [];
  const up = (n) => n.parentElement || n.getRootNode().host || null;  // out of a shadow root
  for (let n = el; n; n = up(n)) chain.push(n);
  const images = [];
  const paint = (withText) => {
    let acc = withText ? pm(parse(getComputedStyle(el).color)) : [0, 0, 0, 0];
    for (const n of chain) {
      const st = getComputedStyle(n);
      if (n !== owner) acc = over(acc, pm(parse(st.backgroundColor)));
      if (withText && st.backgroundImage !== 'none') images.push(n.tagName.toLowerCase());
      acc = acc.map((v) => v * parseFloat(st.opacity));
    }
    return over(acc, canvas).slice(0, 3);
  };
  const fg = paint(true);
  const bg = paint(false);
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  const css = (rgb) => `rgb(${rgb.map((v) => Math.round(v)).join(', ')})`;
  let shown = ratio.toFixed(2);
  if (ratio < minRatio && parseFloat(shown) >= minRatio) shown = ratio.toFixed(3);
  const on = [...new Set(images)].join(', ');
  const ignored = images.length ? ` (background images ignored, on ${on})` : '';
  return {
    ok: ratio >= minRatio,
    ratio,
    message: `contrast ${shown}:1 of text ${css(fg)} on background ${css(bg)} is below the `
      + `minimum ${minRatio}:1${ignored}`,
  };
}"""
"""`(element, min_ratio) -> {ok, ratio, message}`."""

OVERFLOW_JS = r"""(el, tol) => {
  const name = (n) => {
    let t = n.tagName.toLowerCase();
    if (n.id) t += '#' + n.id;
    else if (typeof n.className === 'string' && n.className.trim()) {
      t += '.' + n.className.trim().split(/\s+/)[0];
    }
    const text = (n.innerText || n.value || '').trim().replace(/\s+/g, ' ');
    if (text) t += ` "${text.length > 30 ? text.slice(0, 29) + '\u2026' : text}"`;
    return t;
  };
  const px = (v) => `${Math.round(v * 10) / 10}px`;
  const found = [];
  const own = el.scrollWidth - el.clientWidth;
  if (own > tol) {
    found.push([own, `${name(el)}: its content (${el.scrollWidth}px) overflows its `
      + `${el.clientWidth}px box by ${px(own)}`]);
  }
  const shown = (st) => st.visibility === 'visible' && parseFloat(st.opacity) > 0;
  for (const n of el.querySelectorAll('*')) {
    if (!n.getClientRects().length) continue;
    const st = getComputedStyle(n);
    const clipping = st.overflowX === 'hidden' || st.overflowX === 'clip'
      || st.textOverflow === 'ellipsis';
    if (!clipping || !shown(st) || !(n.innerText || '').trim()) continue;
    const cut = n.scrollWidth - n.clientWidth;
    if (cut > tol) {
      const how = st.textOverflow === 'ellipsis' ? 'cut with an ellipsis' : 'clipped';
      found.push([cut, `${name(n)}: text ${how}, ${px(cut)} of it hidden `
        + `(${n.scrollWidth}px of content in a ${n.clientWidth}px box)`]);
    }
  }
  const box = el.getBoundingClientRect();
  const sticking = (r, what) => {
    if (r.width <= 1 && r.height <= 1) return;
    const left = box.left - r.left;
    const right = r.right - box.right;
    const out = Math.max(left, right);
    if (out > tol) {
      const side = left > right ? 'left' : 'right';
      found.push([out, `${what} sticks out ${px(out)} past the ${side} edge of ${name(el)}`]);
    }
  };
  const visit = (n) => {
    for (const c of n.childNodes) {
      if (c.nodeType === Node.TEXT_NODE) {
        if (!c.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(c);
        const text = c.textContent.trim().replace(/\s+/g, ' ');
        const short = text.length > 30 ? text.slice(0, 29) + '\u2026' : text;
        sticking(range.getBoundingClientRect(), `text "${short}"`);
      } else if (c.nodeType === Node.ELEMENT_NODE) {
        const st = getComputedStyle(c);
        if (st.position === 'fixed' || parseFloat(st.opacity) === 0) continue;
        if (st.visibility === 'visible' && c.getClientRects().length) {
          sticking(c.getBoundingClientRect(), name(c));
        }
        if (st.overflowX === 'visible') visit(c);
      }
    }
  };
  if (getComputedStyle(el).overflowX === 'visible') visit(el);
  found.sort((a, b) => b[0] - a[0]);
  if (!found.length) return {ok: true, message: ''};
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
  return {ok: false, message: found[0][1] + more};
}"""
"""`(element, tolerance_px) -> {ok, message}`."""

BLUR_JS = """(el) => {
  const a = document.activeElement;
  if (a && a !== document.body && (a === el || el.contains(a))) a.blur();
}"""
"""Takes focus away from the target (or what inside it has it) before the unfocused shot."""

FOCUS_JS = """(el) => {
  el.focus({preventScroll: true});
  const a = document.activeElement;
  return !!a && a !== document.body && (a === el || el.contains(a));
}"""
"""Focuses the target; whether it (or an element inside it) took the focus."""

PIXEL_DIFF_JS = r"""async ([a, b, tol]) => {
  const load = async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], {type: 'image/png'}),
      {colorSpaceConversion: 'none', premultiplyAlpha: 'none'});
    const ctx = new OffscreenCanvas(bmp.width, bmp.height)
      .getContext('2d', {willReadFrequently: true});
    ctx.drawImage(bmp, 0, 0);
    return {w: bmp.width, h: bmp.height, d: ctx.getImageData(0, 0, bmp.width, bmp.height).data};
  };
  const [x, y] = await Promise.all([load(a), load(b)]);
  if (x.w !== y.w || x.h !== y.h) {
    return {size: [x.w, x.h], other: [y.w, y.h], differing: -1, total: x.w * x.h};
  }
  let n = 0, x0 = x.w, y0 = x.h, x1 = -1, y1 = -1;
  for (let i = 0; i < x.d.length; i += 4) {
    if (Math.abs(x.d[i] - y.d[i]) > tol || Math.abs(x.d[i + 1] - y.d[i + 1]) > tol ||
        Math.abs(x.d[i + 2] - y.d[i + 2]) > tol || Math.abs(x.d[i + 3] - y.d[i + 3]) > tol) {
      n++;
      const p = i / 4, px = p % x.w, py = (p - px) / x.w;
      x0 = Math.min(x0, px); y0 = Math.min(y0, py); x1 = Math.max(x1, px); y1 = Math.max(y1, py);
    }
  }
  return {size: [x.w, x.h], other: [y.w, y.h], differing: n, total: x.w * x.h,
          box: n ? [x0, y0, x1 - x0 + 1, y1 - y0 + 1] : null};
}"""
"""`([png_base64, other_png_base64, tolerance]) -> {size, other, differing, total, box}`:
`differing` is -1 when the sizes differ."""


def base_steps(before: Sequence[s.Step]) -> list[s.Step]:
    """The steps an `expect_matches_base` replays on the base build's page: those before it,
    without other `expect_matches_base` steps (against the base build itself they hold), and
    with an absolute `goto` turned into its path (the base build has its own origin)."""
    out: list[s.Step] = []
    for step in before:
        if isinstance(step, s.ExpectMatchesBase):
            continue
        if isinstance(step, s.Goto) and "://" in step.url:
            parts = urlsplit(step.url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            step = s.Goto(url=path + (f"#{parts.fragment}" if parts.fragment else ""))
        out.append(step)
    return out

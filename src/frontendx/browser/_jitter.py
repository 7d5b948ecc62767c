"""The browser half of jitter: a page clock shifted by the seed's offset, and animation and
transition durations scaled by the seed's factor (docs/design.md, "Jitter")."""

from __future__ import annotations

import json

from frontendx.suite import Jitter

# Runs before any page script, in every page and frame of the context.
# The clock: `Date` (construction without arguments, `Date()`, `Date.now()`) reads the real
# time plus the offset; time still flows, and timers and `performance.now()` are untouched.
# Durations: each CSS transition (at `transitionrun`, when it is created), CSS animation (at
# `animationstart`) and Web Animation (`element.animate`) plays at 1/factor of its rate, so it
# lasts `factor` times as long, and its end events come that much later.
_SCRIPT = """(() => {
  const OFFSET = %(offset)s, FACTOR = %(factor)s;
  if (OFFSET !== 0) {
    const RealDate = Date;
    const now = () => RealDate.now() + OFFSET;
    const ShiftedDate = new Proxy(RealDate, {
      construct(target, args, newTarget) {
        return Reflect.construct(target, args.length ? args : [now()], newTarget);
      },
      apply() { return new RealDate(now()).toString(); },
      get(target, prop, receiver) {
        return prop === 'now' ? now : Reflect.get(target, prop, receiver);
      },
    });
    Object.defineProperty(RealDate.prototype, 'constructor', {
      value: ShiftedDate, writable: true, configurable: true,
    });
    window.Date = ShiftedDate;
  }
  if (FACTOR !== 1) {
    const seen = new WeakSet();
    const slow = (animation) => {
      if (!seen.has(animation)) { seen.add(animation); animation.playbackRate /= FACTOR; }
    };
    const onEvent = (event) => {
      const target = event.target;
      if (target && typeof target.getAnimations === 'function') {
        for (const animation of target.getAnimations({ subtree: true })) slow(animation);
      }
    };
    for (const type of ['transitionrun', 'animationstart']) {
      window.addEventListener(type, onEvent, { capture: true, passive: true });
    }
    const animate = Element.prototype.animate;
    Element.prototype.animate = function (...args) {
      const animation = animate.apply(this, args);
      slow(animation);
      return animation;
    };
  }
})();"""


def jitter_script(jitter: Jitter) -> str:
    """The init script that applies `jitter`'s clock offset and animation factor to a page."""
    return _SCRIPT % {
        "offset": json.dumps(jitter.clock_offset_ms()),
        "factor": json.dumps(jitter.animation_factor()),
    }

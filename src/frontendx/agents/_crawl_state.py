"""The crawler's view of a page: one browser call that returns the page's named controls (with
what the crawler needs to act on them) and its abstract state.

A state is a hash of the page's accessible skeleton: the role of every landmark, heading,
control, list and row, with the accessible names of headings and controls, in document order.
Volatile text is masked so that one screen is one state however its data changes: digits
become ``#``, names inside list items and rows are dropped (a list of three products is the
same state as a list of four), and runs of identical siblings collapse into one entry marked
``+``. The route pattern (``/item/#``) is part of the state.

It also reads the page's *invariant facts* for the spec-derived oracles (see
`_crawl_oracles.py`): texts that state a count, money amounts with their labels, and the
visible items of the page's lists.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error, Page

OBSERVE_JS = r"""
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const clean = (t) => (t || '').trim().replace(/\s+/g, ' ').slice(0, 80);
  const nameOf = (el) => clean(el.getAttribute('aria-label') || el.innerText || el.value);
  const labelOf = (el) => clean((el.labels && el.labels[0] && el.labels[0].innerText)
    || el.getAttribute('aria-label')).replace(/\s*\*$/, '');
  const textTypes = ['text', 'search', 'email', 'number', 'tel', 'url', 'password', 'date'];
  const groupOf = (el) => {
    const g = el.closest('form, dialog, [role=dialog]');
    return g ? groups.indexOf(g) : -1;
  };
  const groups = [...document.querySelectorAll('form, dialog, [role=dialog]')];
  const controls = [];
  const seen = new Set();
  const all = 'a[href], button, [role=button], [role=tab], [role=menuitem], input, select, '
    + 'textarea, [role=checkbox], [role=switch], [role=combobox]';
  for (const el of document.querySelectorAll(all)) {
    if (!visible(el) || el.disabled) continue;
    const tag = el.tagName.toLowerCase();
    const role = el.getAttribute('role');
    const r = el.getBoundingClientRect();
    const box = [r.left + scrollX, r.top + scrollY, r.width, r.height];
    let item = null;
    if (tag === 'a') {
      const name = nameOf(el);
      if (name) item = {kind: 'link', role: 'link', name, href: el.getAttribute('href')};
    } else if (tag === 'button' || ['button', 'tab', 'menuitem'].includes(role)
               || (tag === 'input' && ['submit', 'button'].includes(el.type))) {
      const name = nameOf(el);
      if (name) item = {kind: 'button', role: role && role !== 'button' ? role : 'button', name,
                        submit: tag === 'button' ? el.type === 'submit' : el.type === 'submit'};
    } else if (tag === 'input' && ['checkbox', 'radio'].includes(el.type)) {
      const label = labelOf(el);
      if (label) item = {kind: 'check', role: el.type, name: label, checked: el.checked};
    } else if (role === 'switch' || role === 'checkbox') {
      const name = nameOf(el);
      if (name) item = {kind: 'button', role, name};
    } else if (tag === 'select') {
      const label = labelOf(el);
      const options = [...el.options].map(o => clean(o.label));
      const chosen = el.options[el.selectedIndex];
      if (label) item = {kind: 'select', role: 'combobox', name: label, options,
                         value: chosen ? clean(chosen.label) : ''};
    } else if (tag === 'textarea' || (tag === 'input' && textTypes.includes(el.type || 'text'))) {
      const label = labelOf(el) || clean(el.getAttribute('placeholder'));
      const type = tag === 'textarea' ? 'text' : (el.type || 'text');
      if (label) item = {kind: 'input', role: 'textbox', name: label, value: el.value,
                         placeholder: !labelOf(el), type};
    }
    if (item === null) continue;
    const key = item.kind + ':' + item.name;
    if (seen.has(key)) continue;
    seen.add(key);
    item.box = box;
    item.group = groupOf(el);
    controls.push(item);
  }
  // the skeleton: roles and (masked) names, in document order
  const ITEM = 'li, tr, [role=row], [role=listitem], article';
  // list items and rows are summarised by the roles inside them (names masked), and runs of
  // equal items collapse, so the data in a list does not make new states
  const skel = [];
  const items = new Map();
  const mask = (t) => clean(t).replace(/\d+([.,]\d+)*/g, '#').slice(0, 40);
  const sel = 'h1, h2, h3, h4, nav, main, form, dialog, [role], table, tr, li, ul, ol, '
    + 'a[href], button, input, select, textarea, label, [aria-live], [aria-invalid=true]';
  for (const el of document.querySelectorAll(sel)) {
    if (!visible(el)) continue;
    const tag = el.tagName.toLowerCase();
    let part = el.getAttribute('role') || tag;
    if (tag === 'input') part += ':' + (el.type || 'text') + (el.checked ? ':checked' : '');
    const owner = el.parentElement && el.parentElement.closest(ITEM);
    const named = /^(h\d|button|a|label|select|input|textarea)$/.test(tag);
    if (!owner && named || el.getAttribute('role') === 'tab') {
      const field = tag === 'input' || tag === 'textarea';
      part += ':' + mask(el.getAttribute('aria-label') || (field ? labelOf(el) : el.innerText));
    }
    if (el.getAttribute('aria-invalid') === 'true') part += ':invalid';
    if (el.getAttribute('aria-live') || el.getAttribute('role') === 'alert')
      part += ':' + mask(el.innerText);
    if (owner && items.has(owner)) {
      items.get(owner).push(part);
    } else if (el.matches(ITEM)) {
      const inside = [part];
      items.set(el, inside);
      skel.push(inside);
    } else {
      skel.push(part);
    }
  }
  const flat = [];
  for (const p of skel.map(p => Array.isArray(p) ? p.join('>') : p)) {
    if (flat.length && flat[flat.length - 1].replace(/\+$/, '') === p) {
      if (!flat[flat.length - 1].endsWith('+')) flat[flat.length - 1] += '+';
    } else {
      flat.push(p);
    }
  }
  // facts for the invariants: lists with their visible items, short texts with a number
  const lists = [];
  const LISTS = 'ul, ol, tbody, [role=list], [role=rowgroup], [role=grid], [role=table]';
  const CHROME = 'nav, header, footer, [role=navigation], [role=tablist], [role=menu]';
  const isItem = (c) => ['li', 'tr'].includes(c.tagName.toLowerCase())
    || ['listitem', 'row'].includes(c.getAttribute('role'));
  const head = (i) => clean((i.innerText || '').split('\n').find(l => l.trim()) || '');
  for (const ul of document.querySelectorAll(LISTS)) {
    if (!visible(ul) || ul.closest(CHROME)) continue;
    const items = [...ul.children].filter(c => visible(c) && isItem(c));
    if (!items.length) continue;
    lists.push({size: items.length, texts: items.map(i => clean(i.innerText)),
                heads: items.map(head)});
  }
  const numbers = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!visible(el) || el.closest(ITEM + ', button, a, option, select, label')) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent).join(' ').trim();
    if (!own || !/\d/.test(own)) continue;
    const text = clean(el.innerText);
    if (text.length > 60) continue;
    const id = el.getAttribute('data-testid');
    const box = el.parentElement ? el.parentElement : el;
    numbers.push({text, test_id: id, context: clean(box.innerText).slice(0, 80)});
  }
  return {url: location.pathname + location.search, controls, skel: flat, lists, numbers,
          password: !!document.querySelector('input[type=password]')};
}
"""


@dataclass
class View:
    """One observation of the page."""

    url: str
    controls: list[dict[str, Any]]
    skeleton: list[str]
    lists: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[dict[str, Any]] = field(default_factory=list)
    has_password: bool = False

    @property
    def state(self) -> str:
        """The abstract state: route pattern and skeleton, hashed."""
        payload = route_of(self.url) + "\n" + "\n".join(self.skeleton)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


async def observe(page: Page) -> View | None:
    """Read the page; None when it cannot be read (navigating, closed)."""
    try:
        raw: dict[str, Any] = await page.evaluate(OBSERVE_JS)
    except Error:
        return None
    return View(
        url=raw["url"],
        controls=raw["controls"],
        skeleton=raw["skel"],
        lists=raw["lists"],
        numbers=raw["numbers"],
        has_password=raw["password"],
    )


def route_of(path: str) -> str:
    """A path's route pattern: numbers and ids replaced (``/item/7`` -> ``/item/#``)."""
    return re.sub(r"/(\d+|[0-9a-f]{8,}|[0-9a-f-]{36})(?=/|$|\?)", "/#", path.split("?")[0])

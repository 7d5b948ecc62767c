"""Reading a page the way agents see it: its named controls with locators in the repro
language (shared by the crawler and the llm agent, so their findings use the same locators)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Error, Page

from frontendx.repro import Locator

CONTROLS_JS = """
() => {
  const out = [];
  const seen = new Set();
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const clean = (t) => (t || '').trim().replace(/\\s+/g, ' ').slice(0, 80);
  const nameOf = (el) => clean(el.getAttribute('aria-label') || el.innerText || el.value);
  const labelOf = (el) => clean((el.labels && el.labels[0] && el.labels[0].innerText)
    || el.getAttribute('aria-label')).replace(/\\s*\\*$/, '');
  const textTypes = ['text', 'search', 'email', 'number', 'tel', 'url', 'password', 'date'];
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
      if (name) item = {kind: 'button', role: role && role !== 'button' ? role : 'button', name};
    } else if (tag === 'input' && ['checkbox', 'radio'].includes(el.type)) {
      const label = labelOf(el);
      if (label) item = {kind: 'check', role: el.type, name: label, checked: el.checked};
    } else if (tag === 'select' || role === 'combobox') {
      const label = labelOf(el);
      const options = tag === 'select' ? [...el.options].map(o => clean(o.label)) : [];
      if (label) item = {kind: 'select', role: 'combobox', name: label, options};
    } else if (tag === 'textarea' || (tag === 'input' && textTypes.includes(el.type || 'text'))) {
      const label = labelOf(el) || clean(el.getAttribute('placeholder'));
      if (label) item = {kind: 'input', role: 'textbox', name: label, value: el.value,
                         placeholder: !labelOf(el)};
    }
    if (item === null) continue;
    const key = item.kind + ':' + item.name;
    if (seen.has(key)) continue;
    seen.add(key);
    item.box = box;
    out.push(item);
  }
  return out;
}
"""


async def page_controls(page: Page) -> list[dict[str, Any]]:
    """The page's visible named controls, in document order, deduplicated by kind and name."""
    try:
        found: list[dict[str, Any]] = await page.evaluate(CONTROLS_JS)
    except Error:
        return []
    return found


def control_locator(control: dict[str, Any]) -> Locator:
    """The repro-language locator of a control from `page_controls` (or a text element)."""
    if control["kind"] == "text":
        if control.get("test_id"):
            return Locator(test_id=control["test_id"])
        return Locator(text=control["name"], exact=True)
    if control["kind"] in ("input", "select", "check"):
        if control.get("placeholder"):
            return Locator(placeholder=control["name"])
        return Locator(label=control["name"])
    return Locator(role=control["role"], name=control["name"])


def locator_json(locator: Locator) -> dict[str, Any]:
    """A locator as the JSON an agent writes in a finding (only the fields it sets)."""
    return locator.model_dump(mode="json", exclude_defaults=True)

"""Unified diffs applied to a copy of a static build: how a bring-your-own app can describe a
buggy variant as a small patch instead of a second build.

Accepts what `diff -ruN clean/ buggy/` and `git diff` write. Paths lose their first component
(`a/`, `b/`, `clean/`), as `patch -p1` does. A hunk must match its context exactly at its line
number or, failing that, at exactly one other place in the file.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from frontendx.errors import ManifestError

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass
class _Hunk:
    old_start: int
    lines: list[str] = field(default_factory=list)  # each starts with ' ', '-' or '+'

    def old(self) -> list[str]:
        return [line[1:] for line in self.lines if line[0] in " -"]

    def new(self) -> list[str]:
        return [line[1:] for line in self.lines if line[0] in " +"]


@dataclass
class _FilePatch:
    old_path: str | None  # None: the file is created
    new_path: str | None  # None: the file is deleted
    hunks: list[_Hunk] = field(default_factory=list)


def _strip(raw: str) -> str | None:
    name = raw.split("\t", 1)[0].strip()
    if name == "/dev/null":
        return None
    parts = name.split("/", 1)
    return parts[1] if len(parts) == 2 else parts[0]


def parse_patch(text: str, source: str) -> list[_FilePatch]:
    """The file patches of a unified diff; ManifestError names the line of any problem."""
    patches: list[_FilePatch] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            patches.append(_FilePatch(_strip(line[4:]), _strip(lines[i + 1][4:])))
            i += 2
            continue
        match = _HUNK.match(line)
        if match:
            if not patches:
                raise ManifestError(f"{source}:{i + 1}: hunk before any `---`/`+++` file header")
            hunk = _Hunk(int(match[1]))
            old_left = int(match[2]) if match[2] is not None else 1
            new_left = int(match[4]) if match[4] is not None else 1
            i += 1
            while i < len(lines) and (old_left > 0 or new_left > 0):
                body = lines[i]
                if body.startswith("\\"):  # "\ No newline at end of file"
                    i += 1
                    continue
                tag = body[:1] or " "
                if tag not in " -+":
                    raise ManifestError(
                        f"{source}:{i + 1}: hunk ends early (expected {old_left} more old and "
                        f"{new_left} more new lines)"
                    )
                hunk.lines.append(tag + body[1:])
                old_left -= tag in " -"
                new_left -= tag in " +"
                i += 1
            if old_left > 0 or new_left > 0:
                raise ManifestError(f"{source}: the last hunk is cut short")
            patches[-1].hunks.append(hunk)
            continue
        i += 1
    if not patches:
        raise ManifestError(f"{source}: not a unified diff (no `---`/`+++` file headers)")
    return patches


def _apply_hunks(text: str, hunks: list[_Hunk], where: str) -> str:
    keep_final_newline = text.endswith("\n") or not text
    lines = text.splitlines()
    offset = 0
    for number, hunk in enumerate(hunks, 1):
        old, new = hunk.old(), hunk.new()
        start = max(hunk.old_start - 1, 0) + offset
        if old and lines[start : start + len(old)] != old:
            places = [k for k in range(len(lines) - len(old) + 1) if lines[k : k + len(old)] == old]
            if len(places) != 1:
                found = "nowhere" if not places else f"{len(places)} places"
                raise ManifestError(
                    f"{where}: hunk {number} (at line {hunk.old_start}) does not apply: its "
                    f"context matches {found} in the file; regenerate the patch against the "
                    "clean build"
                )
            start = places[0]
        lines[start : start + len(old)] = new
        offset = start + len(new) - (hunk.old_start - 1) - len(old)
    result = "\n".join(lines)
    return result + "\n" if keep_final_newline and lines else result


def decode_utf8(data: bytes, where: str, what: str, fix: str = "save it as UTF-8") -> str:
    """`data` as text, or a ManifestError naming the file, the first bad byte and its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestError(
            f"{where}: {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            f"{fix}"
        ) from None


_PATCH_FIX = (
    "patches apply to UTF-8 text files: save it as UTF-8, or give the bug a separate `build`"
)


def apply_patches(source: Path, patches: list[Path], dest: Path) -> None:
    """Copy the build at `source` to `dest` and apply each patch file in order. Links are copied
    as the files they lead to; a broken link is left out (it would not be served either)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore_dangling_symlinks=True)
    for patch_path in patches:
        try:
            data = patch_path.read_bytes()
        except OSError as exc:
            raise ManifestError(f"{patch_path}: cannot read the patch ({exc})") from None
        text = decode_utf8(data, str(patch_path), "the patch", _PATCH_FIX)
        for file_patch in parse_patch(text, str(patch_path)):
            _apply_file(dest, file_patch, str(patch_path))


def _apply_file(root: Path, file_patch: _FilePatch, source: str) -> None:
    rel = file_patch.new_path or file_patch.old_path
    assert rel is not None
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ManifestError(f"{source}: path {rel!r} leaves the build folder")
    where = f"{source}: {rel}"
    if file_patch.new_path is None:
        if not target.is_file():
            raise ManifestError(f"{where}: the patch deletes a file the build does not have")
        target.unlink()
        return
    if file_patch.old_path is None:
        if target.exists():
            raise ManifestError(f"{where}: the patch creates a file the build already has")
        current = ""
    else:
        if not target.is_file():
            raise ManifestError(f"{where}: no such file in the build")
        current = decode_utf8(target.read_bytes(), where, "the build's file", _PATCH_FIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_apply_hunks(current, file_patch.hunks, where), encoding="utf-8")

#!/usr/bin/env python3
"""Keeps the documentation honest: every ```sched block of a Markdown file is
compiled with schedc, in a folder of its own as example.sched.

A ```console block right after it (only blank lines between) holds the
expected first line of the error (exit status 1); without one the block must
compile (exit status 0). A block whose first line is `# fragment` is a piece
of a program and is skipped.

usage: check_doc_snippets.py SCHEDC DOC.md [--show]
"""
import os
import re
import subprocess
import sys
import tempfile

schedc, doc = os.path.abspath(sys.argv[1]), sys.argv[2]
show = "--show" in sys.argv[3:]
text = open(doc, encoding="utf-8").read()
blocks = [(m.group(1), m.group(2), m.start(), m.end())
          for m in re.finditer(r"```(\w*)\n(.*?)```", text, re.S)]
failures = checked = 0
with tempfile.TemporaryDirectory() as root:
    for k, (lang, body, start, end) in enumerate(blocks):
        if lang != "sched" or body.startswith("# fragment"):
            continue
        checked += 1
        expect = None
        if k + 1 < len(blocks):
            next_lang, next_body, next_start, _ = blocks[k + 1]
            if next_lang == "console" and text[end:next_start].strip() == "":
                expect = next_body.strip().splitlines()[0]
        folder = os.path.join(root, str(k))
        os.makedirs(folder)
        with open(os.path.join(folder, "example.sched"), "w", encoding="utf-8") as f:
            f.write(body)
        line = text[:start].count("\n") + 1
        run = subprocess.run([schedc, "example.sched", "-o", "out.c",
                              "-fno-diagnostics-show-caret", "-fno-diagnostics-color"],
                             cwd=folder, capture_output=True, text=True)
        first = run.stderr.strip().splitlines()[0] if run.stderr.strip() else ""
        if show:
            print(f"--- {doc}:{line}: exit {run.returncode}\n{run.stderr.strip()}")
        if expect is None and run.returncode != 0:
            failures += 1
            print(f"FAIL {doc}:{line}: should compile, exit {run.returncode}:\n  {first}")
        elif expect is not None and (run.returncode != 1 or first != expect):
            failures += 1
            print(f"FAIL {doc}:{line}: expected the refusal\n  {expect}\n"
                  f"got exit {run.returncode}:\n  {first}")
print(f"{doc}: {checked} sched blocks checked, {failures} failed")
if checked == 0:
    print("FAIL: no sched block found (wrong file?)")
sys.exit(1 if failures or checked == 0 else 0)

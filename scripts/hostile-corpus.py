#!/usr/bin/env python3
"""A hostile corpus for `sim` (issue 20), run against built binaries and classified.

Generates several hundred inputs: systematic mutations of every bundled scenario (lines
deleted, duplicated and swapped; numbers made 0, -1, huge, floats, NaN, strings; keys
renamed; truncation; unicode and control characters; deep nesting; huge repeat, count and
sleep values; references made recursive), runaway programs (the issue's, in every output
format), recursive templates, self-spawning tasks, lock cycles (with and without a
watchdog), conditions with every operator and malformed ones, every subcommand with bad and
odd flags, the constructs added since (malformed floats; wrong-typed arguments to
barriers, priority queues, futures, state reads and wait/as_completed timeouts), replay
tokens (truncated, mutated, of other scenarios, of other versions, forged with a valid
checksum) and odd files (empty, directory, FIFO, devices, binary, a huge line,
non-UTF-8, a BOM, CRLF, deep TOML nesting).

Each case runs under a time limit (killed after 20 s) and an address-space cap
(`prlimit --as`, 4 GB), with its CPU time and peak resident memory measured (wait4), and is
classified:

  handled:  exit 0 (passed), exit 1 with a FAILED report and a replay token, exit 2 with
            a located error (`--> file:line:column`) or, for flags and tokens, an
            `error:` message
  not:      panic, signal (abort, stack overflow), timeout, out of memory, another exit
            code, exit 1 without a token, exit 2 without a location or message, a vacuous
            verdict (exit 0 where the input must fail: a runaway, a foreign token), an
            error message over 64 KB, and for the issue's runaway programs more than 2 s of
            CPU (user + system: the machine is shared, so wall time, printed too, also
            measures the neighbours) or 200 MB of peak resident memory

Usage (from the repository root; builds nothing, so build first):

  cargo build --release -p simloop-cli --bin sim && cargo build -p simloop-cli --bin sim
  scripts/hostile-corpus.py                        # both target/release/sim and target/debug/sim
  scripts/hostile-corpus.py --bin target/debug/sim --jobs 2 --only runaway
  scripts/hostile-corpus.py --list                 # the cases, without running them

Every FAILED report's printed rerun command is then run where it was printed (the case's
folder; `cargo run ... --` is replaced by the binary under test, which it builds), and must
fail again with the same broken expectations: otherwise the case is `BAD rerun-...`
(`--no-reruns` skips this).

Cases are written under target/hostile-corpus/<release or debug>/<case>/ so that any one
can be rerun by hand; `--verbose` prints each case's command and outcome. Exit status: 0
when every case is handled, 1 otherwise.
"""

import argparse
import base64
import concurrent.futures
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GB = 1 << 30
MB = 1 << 20


class Case:
    """One input: files to lay out, the arguments after the binary, what may happen."""

    def __init__(self, name, args, files=None, allowed=(0, 1, 2), runaway=False,
                 usage=False, setup=None, verify=None):
        self.name = name
        self.args = args
        self.files = files or {}
        self.allowed = set(allowed)
        self.runaway = runaway
        # Exit 2 may be a flag or token error, which names no file position.
        self.usage = usage
        self.setup = setup
        # A check of the standard output (bytes): None, or a BAD verdict.
        self.verify = verify


# ---------------------------------------------------------------------------------------
# Mutations of the bundled scenarios

NUMBERS = ["0", "-1", "9223372036854775807", "9223372036854775808", "18446744073709551616",
           "99999999999999999999999", "1e308", "1e-308", "0.5", "-0.5", "nan", "inf", "-inf",
           '"x"', '""', "1_000", "0x10", "true", "[]", "{}", "1e15", "4294967296"]
INJECT = ["\u202e", "\u00e9", "\U0001F600", "e\u0301", "\ufeff", "\x00", "\x01", "\x7f",
          "\r", "\t", "\x1b[31m", "\u2028", "\ud7ff", "{", "}", "{{", '"', "'", "\\", "\n[main]\n",
          "\n[[main]]\n", "#", "=", "[", "]"]
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "=>", "<>", "=", "&&", "||",
             "!", "+", "-", "*", "/", "//", "%", "**", "", "(", ")", "==="]
TEMPLATES = ["{", "}", "{nope}", "{x.99}", "{x:zz}", "{{", "{i}", "{i.0}", "{ }", "{0}",
             "{" * 50 + "x" + "}" * 50, "x" * 5000]
HUGE = ["1000000000000", "1000000000000000000", "1e300", "9223372036854775807", "1e9", "1e10"]
HOSTILE_STEPS = [
    '{ cancel = "nope" }', '{ await = "nope" }', '{ release = "nope" }',
    '{ fail = "ValueError", message = "boom" }', '{ return = 1 }', '{ yield = 0 }',
    '{ sleep = -1 }', '{ sleep = "nan" }', '{ sleep = "inf" }', '{ sleep = 1e9 }',
    '{ repeat = 1000000000000, do = [] }', '{ while_before = 1e9, do = [] }',
    '{ while_before = 1e9, do = [{ sleep = 0.000001 }] }', '{ log = "x", extra = 1 }',
    '{ }', '{ log = 1 }', '{ log = [] }', '{ if = "", do = [] }', '{ if = "1", do = [] }',
    '{ if = "{i} > ", do = [] }', '{ let = "x", expr = "1 // 0" }',
    '{ let = "x", expr = "9223372036854775807 + 1" }', '{ let = "x", expr = "1e308 * 10" }',
    '{ let = "x", expr = "0.0 / 0.0" }', '{ let = "x", expr = "-9223372036854775807 - 1" }',
    '{ let = "x", expr = "-(-9223372036854775807 - 1)" }',
    '{ let = "x", expr = "(-9223372036854775807 - 1) // -1" }',
    '{ let = "x", expr = "(-9223372036854775807 - 1) % -1" }',
    '{ let = "x", expr = "' + "(" * 5000 + "1" + ")" * 5000 + '" }',
    '{ let = "x", expr = "' + "not " * 5000 + 'true" }',
    '{ let = "x", expr = "' + "-" * 5000 + '1" }',
    '{ let = "x", expr = "' + " + ".join(["1"] * 5000) + '" }',
]


def numbers_in(text):
    return [m for m in re.finditer(r"(?<![\w.\"{])-?\d+(\.\d+)?(e\d+)?(?![\w\"}])", text)]


def mutate(text, rng, op):
    lines = text.split("\n")
    if op == "delete":
        i = rng.randrange(len(lines))
        del lines[i]
        return "\n".join(lines)
    if op == "duplicate":
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "\n".join(lines)
    if op == "swap":
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if op == "number":
        found = numbers_in(text)
        if not found:
            return text + "\n" + rng.choice(NUMBERS)
        m = rng.choice(found)
        return text[:m.start()] + rng.choice(NUMBERS) + text[m.end():]
    if op == "huge":
        keys = [m for m in re.finditer(
            r"\b(repeat|count|sleep|yield|value|maxsize|to|below|while_before|wait_for|timeout|n|explore|max|from)\s*=\s*(-?[\d.e]+)", text)]
        if not keys:
            return text.replace("[main]", "[main]\n# none", 1)
        m = rng.choice(keys)
        return text[:m.start(2)] + rng.choice(HUGE) + text[m.end(2):]
    if op == "rename":
        keys = list(re.finditer(r"(?m)([A-Za-z_]+)\s*=", text))
        m = rng.choice(keys)
        name = m.group(1)
        typo = name[:-1] if len(name) > 1 and rng.random() < 0.5 else name + rng.choice("sx_")
        return text[:m.start(1)] + typo + text[m.end(1):]
    if op == "truncate":
        return text[:rng.randrange(len(text))]
    if op == "inject":
        i = rng.randrange(len(text) + 1)
        return text[:i] + rng.choice(INJECT) + text[i:]
    if op == "nest":
        depth = rng.choice([150, 201, 300, 2000])
        inner = '{ log = "deep" }'
        for _ in range(depth):
            inner = "{ repeat = 1, do = [" + inner + "] }"
        return text.replace("steps = [", "steps = [" + inner + ",", 1)
    if op == "template":
        strings = list(re.finditer(r'"([^"\n]*\{[^"\n]*)"', text)) or list(
            re.finditer(r'"([^"\n]+)"', text))
        m = rng.choice(strings)
        return text[:m.start(1)] + rng.choice(TEMPLATES) + text[m.end(1):]
    if op == "operator":
        conds = list(re.finditer(r"(==|!=|<=|>=|<|>| and | or )", text))
        if not conds:
            return text + '\n[expect]\ninvariants = ["1 ' + rng.choice(OPERATORS) + ' 1"]\n'
        m = rng.choice(conds)
        return text[:m.start()] + " " + rng.choice(OPERATORS) + " " + text[m.end():]
    if op == "step":
        i = text.find("steps = [")
        if i < 0:
            return text
        i += len("steps = [")
        return text[:i] + rng.choice(HOSTILE_STEPS) + ", " + text[i:]
    if op == "recurse":
        # A task that spawns or calls itself, or main calling a task that calls main's task.
        tasks = re.findall(r"(?m)^\[tasks\.([A-Za-z_0-9]+)\]", text)
        if not tasks:
            return text + '\n[tasks.self]\nsteps = [{ call = "self" }]\n'
        t = rng.choice(tasks)
        verb = rng.choice(["call", "spawn"])
        return re.sub(rf"(\[tasks\.{t}\][^\[]*?steps = \[)", rf'\1{{ {verb} = "{t}" }}, ',
                      text, count=1)
    raise ValueError(op)


MUTATIONS = ["delete", "duplicate", "swap", "number", "huge", "rename", "truncate", "inject",
             "nest", "template", "operator", "step", "recurse"]


def mutants(scenarios, per_file, rng):
    cases = []
    for path in scenarios:
        text = path.read_text()
        for k in range(per_file):
            op = MUTATIONS[(k + hash_name(path.name)) % len(MUTATIONS)]
            mutated = mutate(text, rng, op)
            if rng.random() < 0.25:
                mutated = mutate(mutated, rng, rng.choice(MUTATIONS))
            name = f"mut-{path.stem}-{k:02}-{op}"
            which = k % 6
            if which == 0:
                args = ["explore", "s.toml", "--runs", "20", "--jobs", "2", "--no-shrink"]
            elif which == 1:
                args = ["check", "s.toml"]
            else:
                fmt = ["text", "logs", "jsonl", "chrome", "html"][k % 5]
                policy = ["fifo", "random", "pct:3"][k % 3]
                args = ["run", "s.toml", "--format", fmt, "--policy", policy,
                        "--seed", str(rng.randrange(1000))]
            cases.append(Case(name, args, files={"s.toml": mutated}))
    return cases


def hash_name(name):
    return sum(name.encode())


# ---------------------------------------------------------------------------------------
# Runaway programs: the issue's, each in every output format; 2 s and 200 MB at most

RUNAWAY = {
    "while-no-await": '[main]\nsteps = [{ while_before = 10, do = [{ log = "x" }] }]',
    "while-empty": "[main]\nsteps = [{ while_before = 10, do = [] }]",
    "repeat-huge-log": '[main]\nsteps = [{ repeat = 1000000000000, do = [{ log = "x" }] }]',
    "for-huge": '[main]\nsteps = [{ for = "k", from = 0, below = 100000000000, do = [] }]',
    "yield-huge": "[main]\nsteps = [{ yield = 1000000000000 }]",
    "spawn-count-huge": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 1000000000, as = "ts" }, { await = "ts" }]',
    "spawn-recursive": '[tasks.f]\nsteps = [{ spawn = "f", as = "a" }, { spawn = "f", as = "b" }, { await = "a" }, { await = "b" }]\n[main]\nsteps = [{ call = "f" }]',
    "spawn-recursive-sleep": '[tasks.f]\nsteps = [{ spawn = "f" }, { spawn = "f" }, { sleep = 1 }]\n[main]\nsteps = [{ call = "f" }, { sleep = 100 }]',
    "sleeping-loop": "[main]\nsteps = [{ while_before = 1e8, do = [{ sleep = 0.001 }] }]",
    "sleeping-loop-log": '[main]\nsteps = [{ while_before = 1e8, do = [{ sleep = 0.001 }, { log = "tick {i}" }] }]',
    "recursion-1000": '[tasks.f]\nparams = ["n"]\nsteps = [{ call = "f", args = { n = "{n}" } }]\n[main]\nsteps = [{ call = "f", args = { n = 1 } }]',
    "recursion-mutual": '[tasks.f]\nsteps = [{ call = "g" }]\n[tasks.g]\nsteps = [{ call = "f" }]\n[main]\nsteps = [{ call = "f" }]',
    "gather-recursive": '[tasks.f]\nsteps = [{ gather = [{ call = "f" }, { call = "f" }] }]\n[main]\nsteps = [{ call = "f" }]',
    "shield-recursive": '[tasks.f]\nsteps = [{ shield = [{ call = "f" }] }]\n[main]\nsteps = [{ call = "f" }]',
    "string-doubling": '[main]\nsteps = [{ let = "s", value = "ab" }, { repeat = 64, do = [{ let = "s", value = "{s}{s}" }] }]',
    "list-doubling": '[main]\nsteps = [{ let = "l", value = [1] }, { repeat = 64, do = [{ let = "l", value = ["{l}", "{l}"] }] }]',
    "set-add-loop": '[vars]\nn = 0\n[main]\nsteps = [{ repeat = 1000000000000, do = [{ set = "n", value = "{n}", add = 1 }] }]',
    "heartbeat-deadlock": '[locks.a]\n[locks.b]\n[tasks.x]\nsteps = [{ acquire = "a" }, { sleep = 1 }, { acquire = "b" }]\n[tasks.y]\nsteps = [{ acquire = "b" }, { sleep = 1 }, { acquire = "a" }]\n[tasks.beat]\nsteps = [{ while_before = 1e8, do = [{ sleep = 1 }] }]\n[main]\nsteps = [{ spawn = "beat" }, { spawn = "x", as = "x" }, { spawn = "y", as = "y" }, { await = "x" }]',
    "queue-flood": '[queues.q]\n[main]\nsteps = [{ repeat = 1000000000, do = [{ put = "q", value = "{i} a longer payload" }] }]',
    "spawn-loop-sleepers": '[tasks.t]\nsteps = [{ sleep = 1000 }]\n[main]\nsteps = [{ while_before = 1e9, do = [{ spawn = "t" }, { yield = 1 }] }]',
    "log-big-lines": '[main]\nsteps = [{ let = "s", value = "0123456789abcdef" }, { repeat = 15, do = [{ let = "s", value = "{s}{s}" }] }, { repeat = 1000000000, do = [{ log = "{s}" }] }]',
    "callback-flood": '[main]\nsteps = [{ repeat = 1000000000000, do = [{ call_later = 1000, do = [{ log = "x {i}" }] }] }]',
    "call-soon-pingpong": '[main]\nsteps = [{ while_before = 1e9, do = [{ call_soon = [{ call_soon = [{ log = "cb" }] }] }, { yield = 1 }] }]',
    "timeout-reschedule-loop": '[main]\nsteps = [{ timeout = 1, as = "cm", do = [{ while_before = 1e9, do = [{ let = "at", expr = "loop.time() + 1" }, { reschedule = "cm", at = "{at}" }, { sleep = 0.5 }] }] }]',
    "event-pingpong": '[events.e]\n[tasks.t]\nsteps = [{ while_before = 1e9, do = [{ wait_event = "e" }, { clear_event = "e" }] }]\n[main]\nsteps = [{ spawn = "t" }, { while_before = 1e9, do = [{ set_event = "e" }, { yield = 1 }] }]',
}
FORMATS = ["text", "logs", "jsonl", "chrome", "html"]


def runaways():
    cases = []
    for name, text in RUNAWAY.items():
        for fmt in FORMATS:
            cases.append(Case(f"runaway-{name}-{fmt}", ["run", "s.toml", "--format", fmt],
                              files={"s.toml": text}, allowed=(1,), runaway=True))
        cases.append(Case(f"runaway-{name}-out-html",
                          ["run", "s.toml", "--format", "html", "--out", "t.html"],
                          files={"s.toml": text}, allowed=(1,), runaway=True))
        cases.append(Case(f"runaway-{name}-explore",
                          ["explore", "s.toml", "--runs", "3", "--jobs", "1"],
                          files={"s.toml": text}, allowed=(1,)))
        # Every thread holds a run: 256 of them once took over 4 GB.
        cases.append(Case(f"runaway-{name}-explore-jobs",
                          ["explore", "s.toml", "--runs", "6", "--jobs", "256", "--keep-going",
                           "--no-shrink"],
                          files={"s.toml": text}, allowed=(1,)))
    return cases


# ---------------------------------------------------------------------------------------
# Programs: recursion, self-spawning, lock cycles, conditions

def programs():
    cases = []
    add = lambda name, text, allowed=(0, 1, 2), args=None: cases.append(
        Case(name, args or ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    # Lock cycles of 2..5 locks, with and without a watchdog that breaks them.
    for n in range(2, 6):
        locks = "".join(f"[locks.l{k}]\n" for k in range(n))
        # `with` releases a lock when its task is cancelled (an explicit acquire does not).
        tasks = "".join(
            f'[tasks.t{k}]\nsteps = [{{ with = "l{k}", do = [{{ sleep = 1 }}, {{ with = "l{(k + 1) % n}", do = [{{ log = "t{k} both" }}] }}] }}]\n'
            for k in range(n))
        spawns = ", ".join(f'{{ spawn = "t{k}", as = "h{k}" }}' for k in range(n))
        awaits = ", ".join(f'{{ await = "h{k}" }}' for k in range(n))
        base = locks + tasks
        add(f"cycle-{n}", base + f"[main]\nsteps = [{spawns}, {awaits}]\n", (1,))
        add(f"cycle-{n}-heartbeat",
            base + '[tasks.beat]\nsteps = [{ while_before = 1e6, do = [{ sleep = 1 }] }]\n'
            + f'[main]\nsteps = [{{ spawn = "beat" }}, {spawns}, {awaits}]\n', (1,))
        # A watchdog (main) cancels the first member after 5 s: the cycle breaks, the run
        # ends, every expectation holds (asyncio runs the same program to completion).
        add(f"cycle-{n}-watchdog",
            base + f'[main]\nsteps = [{spawns}, {{ sleep = 5 }}, {{ cancel = "h0" }}, '
            + ", ".join(f'{{ try = [{{ await = "h{k}" }}], error = "CancelledError", except = [] }}' for k in range(n))
            + ', { log = "broken" }]\n[expect]\ncontains = ["broken"]\n', (0,))
        add(f"cycle-{n}-wait-for",
            base.replace('{ with = "l1", do = [{ log = "t0 both" }] }',
                         '{ wait_for = 3, do = [{ with = "l1", do = [{ log = "t0 both" }] }] }')
            + f"[main]\nsteps = [{spawns}, "
            + ", ".join(f'{{ try = [{{ await = "h{k}" }}], except = [] }}' for k in range(n))
            + ', { log = "done" }]\n', (0, 1))
    # A runaway that only some schedules reach (FIFO passes): explore finds it and shrinks a
    # run of a million steps, each candidate of which may run to the step limit.
    race = ('[vars]\nx = 0\n[tasks.setter]\nsteps = [{ set = "x", value = 1 }]\n'
            '[tasks.spin]\nsteps = [{ while_before = 1e8, do = [{ yield = 1 }] }]\n'
            '[tasks.checker]\nsteps = [{ if = "{x} == 0", do = [{ spawn = "spin" }, { spawn = "spin" }] }]\n'
            '[main]\nsteps = [{ spawn = "setter", as = "a" }, { spawn = "checker", as = "b" }, '
            '{ await = "a" }, { await = "b" }, { sleep = 1 }]\n')
    add("race-runaway-run", race, (0,))
    for policy in ["random", "pct:3"]:
        add(f"race-runaway-explore-{policy}", race, (1,),
            ["explore", "s.toml", "--runs", "20", "--policy", policy])
    add("self-await",
        '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", as = "h" }, { await = "h" }, { await = "h" }, { await = "h" }]', (0,))
    add("await-each-other",
        '[events.go]\n[tasks.a]\nparams = ["other"]\nsteps = [{ wait_event = "go" }, { await = "other" }]\n[main]\nsteps = [{ spawn = "a", args = { other = 1 }, as = "x" }, { set_event = "go" }, { await = "x" }]', (1, 2))
    add("queue-get-forever", "[queues.q]\n[main]\nsteps = [{ get = \"q\" }]", (1,))
    add("event-wait-forever", "[events.e]\n[main]\nsteps = [{ wait_event = \"e\" }]", (1,))
    add("condition-wait-forever", "[conditions.c]\n[main]\nsteps = [{ wait_condition = \"c\" }]", (1,))
    add("join-forever", "[queues.q]\n[main]\nsteps = [{ put = \"q\", value = 1 }, { join = \"q\" }]", (1,))
    add("sem-zero", "[semaphores.s]\nvalue = 0\n[main]\nsteps = [{ acquire = \"s\" }]", (1,))
    add("lock-twice", "[locks.l]\n[main]\nsteps = [{ acquire = \"l\" }, { acquire = \"l\" }]", (1,))
    add("release-unheld", "[locks.l]\n[main]\nsteps = [{ release = \"l\" }]", (1,))
    add("cancel-self-list",
        '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 3, as = "hs" }, { cancel = "hs" }, { cancel = "hs" }, { await = "hs" }]', (1,))
    # Conditions with every operator, well-formed and not.
    values = ["1", "0", "-1", "1.5", "'a'", "true", "{n}", "9223372036854775807", "1e308", "(1)"]
    rng = random.Random(20)
    for op in OPERATORS:
        for k in range(3):
            a, b = rng.choice(values), rng.choice(values)
            cond = f"{a} {op} {b}" if op not in ("not", "!") else f"{op} {a}"
            cond = cond.replace('"', '\\"')
            add(f"cond-if-{OPERATORS.index(op):02}-{k}",
                f'[vars]\nn = 3\n[main]\nsteps = [{{ if = "{cond}", do = [{{ log = "yes" }}], else = [{{ log = "no" }}] }}]')
            add(f"cond-inv-{OPERATORS.index(op):02}-{k}",
                f'[vars]\nn = 3\n[main]\nsteps = [{{ set = "n", value = 4 }}]\n[expect]\ninvariants = ["{cond}"]')
    for k, cond in enumerate(["", " ", "{n} >=", ">= 1", "{n} => 0", "{n} <> 1", "{n} = 1",
                              "{n} && 1", "1 < 2 < 3", "(((1)", "1))", "'unterminated",
                              "{n} + 'a' > 1", "{undefined} > 1", "{n.0} == 1",
                              "{n:type} == 'int'", "not", "and", "1 and", "{{n}} > 1",
                              "1 // 0 == 0", "1 % 0 == 0", "0.0 / 0.0 == 0", "nan == nan",
                              "inf > 1", "1e999 > 1", "-9223372036854775808 < 0",
                              "9223372036854775808 > 0", "\u00e9 == 1", "1 == 1 # c",
                              "\x01", "{n} > 1" + " and {n} > 1" * 2000]):
        esc = cond.replace("\\", "\\\\").replace('"', '\\"').replace("\x01", "\\u0001")
        add(f"cond-bad-if-{k:02}", f'[vars]\nn = 3\n[main]\nsteps = [{{ if = "{esc}", do = [] }}]')
        add(f"cond-bad-inv-{k:02}", f'[vars]\nn = 3\n[main]\nsteps = []\n[expect]\ninvariants = ["{esc}"]')
        add(f"cond-bad-until-{k:02}",
            f'[vars]\nn = 3\n[conditions.c]\n[main]\nsteps = [{{ wait_condition = "c", until = "{esc}" }}]')
    # Deep TOML nesting (arrays, inline tables, tables), deep step nesting.
    for depth in (200, 5000, 100000):
        add(f"toml-deep-array-{depth}", "x = " + "[" * depth + "]" * depth + "\n[main]\nsteps = []", (2,))
        add(f"toml-deep-inline-{depth}", "x = " + "{ a = " * depth + "1" + " }" * depth + "\n[main]\nsteps = []", (2,))
        add(f"toml-deep-steps-{depth}",
            "[main]\nsteps = [" + "{ repeat = 1, do = [" * depth + "]}" * depth + "]", (1, 2))
    add("toml-long-dotted", "[" + ".".join(["a"] * 50000) + "]\n[main]\nsteps = []", (2,))
    add("toml-many-tasks", "".join(f"[tasks.t{k}]\nsteps = []\n" for k in range(20000)) + "[main]\nsteps = []")
    add("toml-many-steps", "[main]\nsteps = [" + ", ".join(['{ log = "x" }'] * 50000) + "]")
    add("toml-huge-string", '[main]\nsteps = [{ log = "' + "x" * (3 << 20) + '" }]')
    add("toml-many-params", '[tasks.t]\nparams = [' + ", ".join(f'"p{k}"' for k in range(10000)) + ']\nsteps = []\n[main]\nsteps = [{ call = "t" }]')
    add("toml-many-vars", "[vars]\n" + "".join(f"v{k} = {k}\n" for k in range(50000)) + "[main]\nsteps = []\n[expect]\ninvariants = [\"{v1} >= 0\"]")
    add("big-queue-maxsize", "[queues.q]\nmaxsize = 9223372036854775807\n[main]\nsteps = [{ put = \"q\", value = 1 }]")
    add("big-sem-value", "[semaphores.s]\nvalue = 9223372036854775807\n[main]\nsteps = [{ acquire = \"s\" }, { release = \"s\" }, { release = \"s\" }]")
    add("big-sem-negative", "[semaphores.s]\nvalue = -5\n[main]\nsteps = []", (2,))
    add("notify-huge", "[conditions.c]\n[main]\nsteps = [{ notify = \"c\", n = 9223372036854775807 }]")
    add("random-huge-range", '[main]\nsteps = [{ random = "d", from = -9223372036854775808, to = 9223372036854775807 }, { log = "{d}" }]')
    add("random-empty-range", '[main]\nsteps = [{ random = "d", from = 5, to = 1 }]', (1, 2))
    add("sleep-range-huge", "[main]\nsteps = [{ sleep = { min = 0, max = 9223372036854775807 } }]", (1, 2))
    add("sleep-range-inverted", "[main]\nsteps = [{ sleep = { min = 5, max = 1 } }]", (1, 2))
    add("max-time-tiny", "[limits]\nmax_time = 1e-12\n[main]\nsteps = [{ sleep = 1 }]", (1, 2))
    add("max-time-nan", "[limits]\nmax_time = nan\n[main]\nsteps = []", (2,))
    add("limits-huge", "[limits]\nmax_steps = 18446744073709551615\nmax_tasks = 9223372036854775807\nmax_output = 9223372036854775807\n[main]\nsteps = [{ log = \"x\" }]", (0, 2))
    add("check-explore-huge", "[main]\nsteps = []\n[check]\nexplore = 1000000000000\n", (0, 1, 2), ["check", "s.toml"])
    return cases


# ---------------------------------------------------------------------------------------
# The constructs added after the first corpus (floats, Barrier, Priority and Lifo queues,
# futures, state reads, wait/as_completed timeouts): malformed floats and wrong-typed
# arguments, each of which must end with a located error (2) or a FAILED report (1).

JOB = '[tasks.job]\nparams = ["d"]\nsteps = [{ sleep = "{d}" }, { return = "{d}" }]\n'


def constructs():
    cases = []
    add = lambda name, text, allowed=(1, 2): cases.append(
        Case(f"construct-{name}", ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    # Malformed and extreme floats where a duration, a value or a variable is read.
    for k, f in enumerate(["1.5.5", ".5", "5.", "1e", "1e999", "-1e999", "nan", "-nan", "inf",
                           "-0.0", "1e-400", "0x1p3", "1_0.5", "+.5", "1.7976931348623157e309",
                           '"1.5.5"', '"nan"', '"inf"', '"-0.25"', '"1e10"']):
        # TOML reads these three as 0.0, 0.0 (an underflow) and 10.5: valid durations.
        fine = (0, 1) if f in ("-0.0", "1e-400", "1_0.5") else (1, 2)
        add(f"float-sleep-{k:02}", f"[main]\nsteps = [{{ sleep = {f} }}]", fine)
        add(f"float-wait-for-{k:02}", f"[main]\nsteps = [{{ wait_for = {f}, do = [{{ sleep = 1 }}] }}]", fine)
        add(f"float-var-{k:02}", f"[vars]\ntotal = {f}\n[main]\nsteps = [{{ set = \"total\", expr = \"total * 2\" }}]", (0, 1, 2))
        add(f"float-add-{k:02}", f"[vars]\ntotal = 0.0\n[main]\nsteps = [{{ set = \"total\", value = \"{{total}}\", add = {f} }}]", (0, 1, 2))
        add(f"float-arg-{k:02}", JOB + f"[main]\nsteps = [{{ call = \"job\", args = {{ d = {f} }} }}]", (0, 1, 2))
        add(f"float-wait-timeout-{k:02}",
            JOB + f"[main]\nsteps = [{{ spawn = \"job\", args = {{ d = 1 }}, as = \"t\" }}, {{ wait = [\"t\"], timeout = {f} }}]", (0, 1, 2))
        add(f"float-expr-{k:02}", f"[main]\nsteps = [{{ let = \"x\", expr = \"{f.strip(chr(34))} * 2\" }}, {{ log = \"{{x}}\" }}]", (0, 1, 2))
    # Wrong-typed declarations of the new primitives.
    for k, v in enumerate(["1.5", '"two"', "0", "-1", "true", "[]", "9223372036854775807", "nan"]):
        add(f"barrier-parties-{k}", f"[barriers.b]\nparties = {v}\n[main]\nsteps = [{{ wait_barrier = \"b\" }}]", (0, 1, 2))
        add(f"queue-maxsize-{k}", f"[queues.q]\nkind = \"priority\"\nmaxsize = {v}\n[main]\nsteps = [{{ put_nowait = \"q\", value = 1 }}]", (0, 1, 2))
        add(f"queue-kind-{k}", f"[queues.q]\nkind = {v}\n[main]\nsteps = []", (2,))
    # Steps given the wrong kind of primitive, local or value.
    wrong = {
        "barrier-on-queue": '[queues.q]\n[main]\nsteps = [{ wait_barrier = "q" }]',
        "abort-on-event": '[events.e]\n[main]\nsteps = [{ abort_barrier = "e" }]',
        "await-int": '[main]\nsteps = [{ let = "x", value = 3 }, { await = "x" }]',
        "await-float-param": JOB.replace('{ sleep = "{d}" }', '{ await = "d" }') + '[main]\nsteps = [{ call = "job", args = { d = 0.5 } }]',
        "await-queue": '[queues.q]\n[main]\nsteps = [{ await = "q" }]',
        "await-var": '[vars]\nn = 0\n[main]\nsteps = [{ await = "n" }]',
        "await-exception": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], error = "ValueError", as = "e", except = [{ await = "e" }] }]',
        "set-result-on-task": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { set_result = "t", value = 1 }]',
        "set-result-twice": '[main]\nsteps = [{ create_future = "f" }, { set_result = "f", value = 1 }, { set_result = "f", value = 2 }]',
        "set-exception-cancelled": '[main]\nsteps = [{ create_future = "f" }, { cancel = "f" }, { set_exception = "f", error = "ValueError" }]',
        "wait-on-future": '[main]\nsteps = [{ create_future = "f" }, { wait = ["f"] }]',
        "gather-future": '[main]\nsteps = [{ create_future = "f" }, { gather = [{ await = "f" }] }]',
        "as-completed-future-param": JOB.replace('{ sleep = "{d}" }', '{ as_completed = ["d"], do = [] }') + '[main]\nsteps = [{ create_future = "f" }, { call = "job", args = { d = "{f}" } }]',
        "callback-on-list": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, count = 2, as = "ts" }, { add_done_callback = "ts", do = [] }]',
        "pending-bad-name": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { wait = ["t"], pending = "p q" }]',
        "timeout-beside-sleep": '[main]\nsteps = [{ sleep = 1, timeout = 2 }]',
        "wait-timeout-string": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { wait = ["t"], timeout = "soon" }]',
        "wait-timeout-param": JOB.replace('{ sleep = "{d}" }', '{ spawn = "job", args = { d = 1 }, as = "t" }, { wait = ["t"], timeout = "{d}" }') + '[main]\nsteps = [{ call = "job", args = { d = "x" } }]',
        "priority-mixed-items": '[queues.q]\nkind = "priority"\n[main]\nsteps = [{ put_nowait = "q", value = 1 }, { put_nowait = "q", value = "b" }]',
        "priority-nan-items": '[queues.q]\nkind = "priority"\n[main]\nsteps = [{ let = "n", expr = "0.0 / 0.0" }, { put_nowait = "q", value = "{n}" }]',
        "state-read-wrong-member": '[barriers.b]\nparties = 2\n[main]\nsteps = [{ log = "{b.qsize()}" }]',
        "state-read-on-int": '[main]\nsteps = [{ let = "x", value = 1 }, { log = "{x.done()}" }]',
        "name-of-future": '[main]\nsteps = [{ create_future = "f" }, { log = "{f.get_name()}" }]',
        "name-of-int": '[main]\nsteps = [{ let = "x", value = 2 }, { log = "{x.get_name()}" }]',
        "result-of-pending-future": '[main]\nsteps = [{ create_future = "f" }, { log = "{f.result()}" }]',
        "lifo-get-empty": '[queues.q]\nkind = "lifo"\n[main]\nsteps = [{ get_nowait = "q" }]',
    }
    for name, text in wrong.items():
        add(name, text)
    return cases


def round23_constructs():
    """Round 23's constructs: `while` with an expression, and a condition's `with` block
    lending its lock to the waits and notifications inside it, given odd conditions, the
    wrong kinds, runaway loops and cancellations mid-wait."""
    cases = []
    add = lambda name, text, allowed=(1, 2): cases.append(
        Case(f"construct-{name}", ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    for k, c in enumerate(['"1 + 2"', '"{n} <"', '"n < 3"', '"true"', '"false"', '"None"',
                           '"[]"', '"\'a\'"', '"q.empty()"', '"undefined"', "true", "1",
                           "[]", '""', '"{n}"', '"n < 1e999"', '"n // 0 == 1"']):
        add(f"while-{k:02}", f"[queues.q]\n[main]\nsteps = [{{ let = \"n\", value = 0 }}, "
            f"{{ while = {c}, do = [{{ let = \"n\", expr = \"n + 1\" }}] }}]", (0, 1, 2))
    progs = {
        "while-no-do": '[main]\nsteps = [{ while = "true" }]',
        "while-and-if": '[main]\nsteps = [{ while = "true", if = "true", do = [] }]',
        "while-forever": '[main]\nsteps = [{ while = "true", do = [{ log = "x" }] }]',
        "while-forever-sleep": '[main]\nsteps = [{ while = "true", do = [{ sleep = 1 }] }]',
        "while-in-callback": '[main]\nsteps = [{ call_soon = [{ while = "true", do = [] }] }, { sleep = 1 }]',
        "while-spawns": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ while = "true", do = [{ spawn = "t" }] }]',
        "cond-wait-in-with-lock": '[locks.l]\n[conditions.c]\n[main]\nsteps = [{ with = "l", do = [{ wait_condition = "c" }] }]',
        "cond-notify-in-with": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ notify = "c", n = 1 }, { notify_all = "c" }, { notify = "c", n = -1 }] }]',
        "cond-wait-in-with-alone": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ wait_condition = "c" }] }]',
        "cond-wait-until-error": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ wait_condition = "c", until = "1 // 0 == 0" }] }]',
        "cond-nested-with": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ with = "c", do = [] }] }]',
        "cond-release-inside": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ release = "c" }, { wait_condition = "c" }] }]',
        "cond-wait-timeout-in-with": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ wait_for = 0.5, do = [{ wait_condition = "c" }] }] }]',
        "cond-shield-in-with": '[conditions.c]\n[main]\nsteps = [{ with = "c", do = [{ shield = [{ wait_condition = "c" }] }] }]',
        "cond-cancelled-waiters": '[conditions.c]\n[tasks.w]\nsteps = [{ with = "c", do = [{ wait_condition = "c" }, { log = "w{i}" }] }]\n'
            '[main]\nsteps = [{ spawn = "w", count = 50, as = "ws" }, { yield = 1 }, { cancel = "ws" }, { with = "c", do = [{ notify_all = "c" }] }, { yield = 3 }]',
        "cond-notify-loop": '[conditions.c]\n[tasks.w]\nsteps = [{ while = "true", do = [{ with = "c", do = [{ wait_condition = "c" }, { notify_all = "c" }] }] }]\n'
            '[main]\nsteps = [{ spawn = "w", count = 3 }, { yield = 1 }, { notify_all = "c" }, { sleep = 1 }]',
        "args-of-task": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "h" }, { log = "{h.args}" }]',
        "args-of-int": '[main]\nsteps = [{ let = "e", value = 1 }, { log = "{e.args}" }]',
        "args-huge": '[main]\nsteps = [{ let = "s", value = "x" }, { repeat = 40, do = [{ let = "s", value = "{s}{s}" }] }, { try = [{ fail = "ValueError", message = "{s}" }], as = "e", except = [{ log = "{e.args}" }] }]',
        "args-compare": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], as = "e", except = [{ if = "e.args == \'()\'", do = [{ log = "{e.args!r}" }] }] }]',
        "cancel-as-list": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 1000, as = "ts" }, { cancel = "ts", as = "ok" }, { log = "{ok}" }]',
        "cancel-as-int": '[main]\nsteps = [{ let = "x", value = 1 }, { cancel = "x", as = "ok" }]',
        "cancel-as-self": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", as = "t" }, { cancel = "t", as = "t" }, { cancel = "t", as = "t" }]',
        "current-task-name-in-callback": '[main]\nsteps = [{ call_soon = [{ log = "{current_task.get_name()}" }] }, { sleep = 1 }]',
        "current-task-rename-in-callback": '[main]\nsteps = [{ call_soon = [{ set_name = "current_task", value = "x" }] }, { sleep = 1 }]',
        "current-task-rename-huge": '[main]\nsteps = [{ let = "s", value = "x" }, { repeat = 40, do = [{ let = "s", value = "{s}{s}" }] }, { set_name = "current_task", value = "{s}" }]',
        "current-task-rename-list": '[main]\nsteps = [{ set_name = "current_task", value = [1, [2]] }, { log = "{current_task.get_name()}" }]',
        "current-task-name-compare": '[main]\nsteps = [{ if = "current_task.get_name() < 1", do = [] }]',
        "current-task-rename-loop": '[tasks.t]\nsteps = [{ while = "true", do = [{ set_name = "current_task", value = "{current_task.get_name()}x" }] }]\n[main]\nsteps = [{ spawn = "t" }, { sleep = 1 }]',
        "current-task-eager-name": '[tasks.t]\nsteps = [{ set_name = "current_task", value = "{current_task.get_name()}" }]\n[main]\nsteps = [{ spawn = "t", eager = true, count = 100 }]',
    }
    for name, text in progs.items():
        add(name, text, (0, 1, 2))
    return cases


def round25_constructs():
    """Round 25's expression functions (`len`, `sorted`, `sum`, `min`, `max`, `str`,
    `repr`, `round`, `abs`), `in`, `xs[i]`, list `+` and expressions in templates, given
    the wrong types and numbers of arguments, deep nesting, huge lists and strings, loops
    that call them without end, and odd floats."""
    cases = []
    add = lambda name, text, allowed=(0, 1, 2): cases.append(
        Case(f"construct-{name}", ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    exprs = ["len(1)", "len()", "len([1], [2])", "lenn([1])", "print('x')", "sorted([1, 'a'])",
             "sorted([[1], ['a']])", "sum(['a', 'b'])", "sum([[1], [2]])", "sum('ab')", "min([])",
             "max()", "min(1)", "max('')", "round('a')", "round(1.5, 'a')", "round(1.5, 2, 3)",
             "round(1e308, -308)", "round(1e308 * 10)", "round(1e308 * 10 - 1e308 * 10)",
             "round(1e18 * 100)", "round(5, -400)", "round(2.5, 9223372036854775807)",
             "abs(-9223372036854775807 - 1)", "abs('x')", "[1][-9223372036854775807 - 1]",
             "[1][9223372036854775807]", "'abc'[1.5]", "1[0]", "1 in 2", "1 in 'abc'",
             "'a' in ['a'] in [true]", "true and 1 in [1] == true", "len(len)", "len.x(1)",
             "x.len()", "sum([9223372036854775807, 1])", "sum([0.5, 9223372036854775807, 'a'])",
             "str(str(str(1)))", "repr(None) + str(None)", "[1] + 'a'", "[] + []", "min(1, 'a')",
             "max([1, 2], [1, 3])", "sorted(None)", "len(" * 31 + "[]" + ")" * 31,
             "len(" * 40 + "[]" + ")" * 40, "sorted(" * 20 + "[3, 1]" + ")" * 20]
    for k, e in enumerate(exprs):
        quoted = e.replace('"', '\\"')
        add(f"func-{k:02}", f'[main]\nsteps = [{{ let = "x", value = [1] }}, {{ let = "v", expr = "{quoted}" }}, {{ log = "{{v!r}}" }}]')
    for k, t in enumerate(["{len(x)}", "{len(}", "{len(x)!r}", "{{len(x)}}", "{'}'}", "{ }", "{len({x})}",
                           "{x[0]}{x[-1]}{x[5]}", "{sorted(x):type}", "{round}", "{1 +}", "{not}"]):
        add(f"func-template-{k:02}", f'[main]\nsteps = [{{ let = "x", value = [1, 2] }}, {{ log = "{t}" }}]')
    # Two items doubled 15 times: 65,536 items, within the 100,000 a list may hold.
    double = '{ repeat = 15, do = [{ let = "xs", expr = "xs + xs" }] }'
    progs = {
        "func-huge-sorted": f'[main]\nsteps = [{{ let = "xs", value = [3, 1] }}, {double}, {{ log = "{{len(sorted(xs))}} {{sum(xs)}} {{max(xs)}} {{sorted(xs)[-1]}}" }}]',
        "func-huge-past-limit": f'[main]\nsteps = [{{ let = "xs", value = [3, 1, 2, 4] }}, {double}, {{ log = "{{len(xs)}}" }}]',
        "func-huge-string": '[main]\nsteps = [{ let = "s", value = "x" }, { repeat = 20, do = [{ let = "s", value = "{s}{s}" }] }, { log = "{len(s)} {s[-1]} {\'y\' in s}" }, { let = "l", expr = "sorted(s)" }]',
        "func-loop-sum": f'[main]\nsteps = [{{ let = "xs", value = [1.5, 2] }}, {double}, {{ while = "true", do = [{{ let = "n", expr = "sum(xs)" }}] }}]',
        "func-loop-sorted": f'[main]\nsteps = [{{ let = "xs", value = [1, 2] }}, {double}, {{ while = "sorted(xs)[0] == 1", do = [] }}]',
        "func-loop-in": f'[main]\nsteps = [{{ let = "xs", value = [1, 2] }}, {double}, {{ while = "3 not in xs", do = [] }}]',
        "func-loop-len-string": '[main]\nsteps = [{ let = "s", value = "x" }, { repeat = 20, do = [{ let = "s", value = "{s}{s}" }] }, { while = "len(s) > 0", do = [] }]',
        "func-loop-repr": f'[main]\nsteps = [{{ let = "xs", value = ["abcdefgh", "ijklmnop"] }}, {double}, {{ while = "true", do = [{{ let = "r", expr = "repr(xs)" }}] }}]',
        "func-loop-concat": '[main]\nsteps = [{ let = "xs", value = [1] }, { while = "true", do = [{ let = "xs", expr = "xs + [1]" }] }]',
        "func-deep-list": '[main]\nsteps = [{ let = "x", value = 1 }, { repeat = 40, do = [{ let = "x", expr = "[x]" }] }, { log = "{sorted([x, x])}" }]',
        "func-tasks-in": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 1000, as = "ts" }, { for = "k", from = 0, below = "{len(ts)}", do = [{ let = "t", expr = "ts[k]" }, { if = "t not in ts", do = [{ fail = "ValueError" }] }] }, { log = "{len(ts)} {ts[-1] in ts}" }]',
        "func-sorted-tasks": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", count = 3, as = "ts" }, { log = "{sorted(ts)}" }]',
        "func-future-in-itself": '[main]\nsteps = [{ create_future = "f" }, { set_result = "f", value = ["{f}"] }, { log = "{f in f.result()} {len(f.result())}" }]',
        "func-in-callback": '[main]\nsteps = [{ call_soon = [{ log = "{sorted([1, \'a\'])}" }] }, { sleep = 1 }]',
        "func-invariant": '[vars]\nn = 0\n[main]\nsteps = [{ set = "n", value = 1 }]\n[expect]\ninvariants = ["len([n]) == 1", "round(n / 3, 2) < 1", "sorted([n, \'a\']) == []"]',
        "func-set-shared": '[vars]\nn = 0\n[main]\nsteps = [{ set = "n", expr = "sum([1.5])" }]',
        "cancel-self-loop": '[main]\nsteps = [{ while = "true", do = [{ cancel = "current_task" }] }]',
        "cancel-self-caught-loop": '[main]\nsteps = [{ while = "true", do = [{ cancel = "current_task" }, { try = [{ sleep = 0 }], error = "CancelledError", except = [] }] }]',
        "cancel-self-message": '[main]\nsteps = [{ cancel = "current_task", message = "why" }]',
        "cancel-self-in-callback": '[main]\nsteps = [{ call_soon = [{ cancel = "current_task" }] }, { sleep = 1 }]',
        "cancel-self-in-group": '[tasks.c]\nsteps = [{ cancel = "current_task" }, { sleep = 1 }]\n[main]\nsteps = [{ task_group = [{ spawn = "c", count = 50 }] }]',
        "func-sleep-expr": '[main]\nsteps = [{ let = "xs", value = [0.5, 1] }, { sleep = "{max(xs)}" }, { sleep = "{xs}" }]',
    }
    for name, text in progs.items():
        add(name, text)
    return cases


def round26_constructs():
    """Round 26's comprehensions (`[f(x) for x in xs if c]`, a generator expression as a
    call's only argument), conditional expressions (`a if c else b`) and an exception
    group's `eg.exceptions` as a tuple: malformed ones, wrong types, names that shadow,
    nesting, comprehensions over huge lists and loops that make them without end."""
    cases = []
    add = lambda name, text, allowed=(0, 1, 2): cases.append(
        Case(f"construct-{name}", ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    exprs = ["[x for x in xs]", "[x for in xs]", "[x for 1 in xs]", "[x for x xs]", "[x for x in]",
             "[x for x in xs if]", "[x for a, b in xs]", "[x for x in xs for y in xs]",
             "[x for x in xs if x > 1 if x > 2]", "[x for x in 3]", "[x for x in None]",
             "[x for x in xs if 1]", "[x for x in xs if x]", "[for x in xs]", "[x for for in xs]",
             "[x for if in xs]", "[x for x in xs] + 1", "len(x for x in xs)", "len(x for x in xs, 1)",
             "sorted(x for x in xs if x > 1)", "sum(x for x in xs)", "max(x for x in [])",
             "[y for x in xs]", "[x for x in 'abc']", "[[y for y in xs] for x in xs]",
             "[x for x in [x for x in xs]]", "1 if true else 2", "1 if 2 else 3", "1 if true",
             "1 if true else", "if true else 2", "1 if x else 2", "(1 if xs else 2)",
             "1 if true else 2 if false else 3", "[1 if x > 1 else 'a' for x in xs]",
             "1 == 1 if true else 2 == 2", "not 1 if true else 2", "x for x in xs",
             "[x for x in xs)", "[x.done() for x in xs]", "[x.exceptions for x in xs]",
             "[x for x in xs][0]", "[x for x in xs][9]", "[stock for stock in xs]",
             "[q.qsize() for q in xs]", "[q for q in xs]", "[i for i in xs if i in xs]",
             "[None for _ in xs]", "[x for x in xs if x in 1]",
             "[" * 20 + "x for x in xs" + "]" * 20, "[" * 40 + "x" + " for x in xs]" * 40]
    for k, e in enumerate(exprs):
        quoted = e.replace('"', '\\"')
        add(f"comp-{k:02}", f'[vars]\nstock = 0\n[queues.q]\n[main]\nsteps = [{{ let = "xs", value = [1, 2, 3] }}, {{ let = "v", expr = "{quoted}" }}, {{ log = "{{v!r}}" }}]')
    for k, t in enumerate(["{[x for x in xs]}", "{[x for x in xs}", "{x for x in xs}", "{[x for x in xs]!r}",
                           "{[x for x in xs]:type}", "{1 if true else 2}", "{1 if true}", "{[x if x > 1 else -x for x in xs]}",
                           "{sorted(str(x) for x in xs)}", "{[{x} for x in xs]}"]):
        add(f"comp-template-{k:02}", f'[main]\nsteps = [{{ let = "xs", value = [1, 2] }}, {{ log = "{t}" }}]')
    group = ('[tasks.f]\nparams = ["n"]\nsteps = [{ sleep = 1 }, { fail = "ValueError", message = "{n}" }]\n'
             '[main]\nsteps = [{ try = [{ task_group = [{ spawn = "f", count = %d, args = { n = "{i}" } }] }], '
             'error = "ValueError", star = true, as = "eg", except = [%s] }]')
    for k, body in enumerate(['{ log = "{[str(e) for e in eg.exceptions]}" }',
                              '{ log = "{len(eg.exceptions)} {eg.exceptions[0]!r} {eg.exceptions[-1]} {eg.exceptions!r} {eg.exceptions:type}" }',
                              '{ log = "{[len(e.exceptions) for e in eg.exceptions]}" }',
                              '{ log = "{eg.exceptions[99]}" }',
                              '{ log = "{eg.exceptions + eg.exceptions}" }',
                              '{ log = "{eg.exceptions + [1]}" }',
                              '{ log = "{sorted(eg.exceptions)}" }',
                              '{ log = "{sum(eg.exceptions)}" }',
                              '{ log = "{eg.exceptions[0] in eg.exceptions} {1 in eg.exceptions}" }',
                              '{ let = "m", expr = "eg.exceptions" }, { await = "m" }',
                              '{ log = "{[e.exceptions for e in eg.exceptions]}" }',
                              '{ log = "{[e.message for e in eg.exceptions]}" }']):
        add(f"comp-group-{k:02}", group % (3, body))
    add("comp-group-many", group % (2000, '{ log = "{len([str(e) for e in eg.exceptions])}" }'))
    # Two items doubled 15 times: 65,536 items, within the 100,000 a list may hold.
    double = '{ repeat = 15, do = [{ let = "xs", expr = "xs + xs" }] }'
    progs = {
        "comp-huge": f'[main]\nsteps = [{{ let = "xs", value = [3, 1] }}, {double}, {{ let = "ys", expr = "[x * 2 for x in xs if x > 1]" }}, {{ log = "{{len(ys)}}" }}]',
        "comp-huge-nested": f'[main]\nsteps = [{{ let = "xs", value = [3, 1] }}, {double}, {{ let = "ys", expr = "[[y for y in xs] for x in xs]" }}, {{ log = "{{len(ys)}}" }}]',
        "comp-huge-strings": f'[main]\nsteps = [{{ let = "xs", value = ["abcdefgh", "ijklmnop"] }}, {double}, {{ let = "ys", expr = "[x + x + x + x for x in xs]" }}, {{ log = "{{len(ys)}}" }}]',
        "comp-loop": f'[main]\nsteps = [{{ let = "xs", value = [1, 2] }}, {double}, {{ while = "true", do = [{{ let = "n", expr = "[x for x in xs if x > 5]" }}] }}]',
        "comp-loop-grow": '[main]\nsteps = [{ let = "xs", value = [1] }, { while = "true", do = [{ let = "xs", expr = "[x for x in xs] + [x + 1 for x in xs]" }] }]',
        "comp-ifelse-loop": '[main]\nsteps = [{ let = "n", value = 0 }, { while = "true", do = [{ let = "n", expr = "n + 1 if n < 10 else 0" }] }]',
        "comp-in-callback": '[main]\nsteps = [{ call_soon = [{ log = "{[x + \'a\' for x in [1]]}" }] }, { sleep = 1 }]',
        "comp-invariant": '[vars]\nn = 0\n[main]\nsteps = [{ set = "n", value = 1 }]\n[expect]\ninvariants = ["len([x for x in [n] if x > 0]) == 1", "(1 if n > 0 else 0) == 1", "[x for x in n] == []"]',
        "comp-set-shared": '[vars]\nn = 0\n[main]\nsteps = [{ set = "n", expr = "1 if n == 0 else 2.5" }, { set = "n", expr = "[x for x in [1]]" }]',
        "comp-shadow-shared": '[vars]\nn = 5\n[main]\nsteps = [{ let = "v", expr = "[n for n in [1, 2]]" }, { log = "{v} {n}" }]',
        "comp-tasks": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 1000, as = "ts" }, { while = "len([t for t in ts if not t.done()]) > 0", do = [{ sleep = 0.5 }] }, { log = "{[t.cancelled() for t in ts][-1]}" }]',
        "comp-sleep": '[main]\nsteps = [{ let = "xs", value = [0.5, 1] }, { sleep = "{max(x for x in xs)}" }, { sleep = "{[x for x in xs]}" }]',
        "comp-isinstance": '[main]\nsteps = [{ log = "{[isinstance(x, t) for x in [1]]}" }]',
        "comp-isinstance-tuple": '[main]\nsteps = [{ log = "{isinstance(1, (int, str))}" }]',
        "comp-isinstance-base": '[main]\nsteps = [{ log = "{isinstance(1, LookupError)}" }]',
        "comp-type": '[main]\nsteps = [{ log = "{type(1).__name__} {[type(x).__name__ for x in [None, [1]]]}" }, { let = "v", expr = "type(1)" }]',
        "comp-type-member": '[main]\nsteps = [{ log = "{type(1).__nam__}" }]',
        "comp-type-nested": '[main]\nsteps = [{ log = "{type(type(1).__name__).__name__} {type().__name__}" }]',
        "comp-repr-expr": '[main]\nsteps = [{ log = "{[1, 2][0]!r} {len([1])!r} {1 +!r}" }]',
        # `for ... in`.
        "forin-int": '[main]\nsteps = [{ for = "x", in = "3", do = [] }]',
        "forin-param-int": '[tasks.t]\nparams = ["xs"]\nsteps = [{ for = "x", in = "xs", do = [{ log = "{x}" }] }]\n[main]\nsteps = [{ call = "t", args = { xs = 3 } }]',
        "forin-with-range": '[main]\nsteps = [{ for = "x", in = "[1]", from = 0, below = 2, do = [] }]',
        "forin-bad-expr": '[main]\nsteps = [{ for = "x", in = "[1,", do = [] }]',
        "forin-empty": '[main]\nsteps = [{ for = "x", in = "", do = [] }]',
        "forin-template": '[main]\nsteps = [{ for = "x", in = "{xs}", do = [] }]',
        "forin-bad-name": '[main]\nsteps = [{ for = "a b", in = "[1]", do = [] }]',
        "forin-no-do": '[main]\nsteps = [{ for = "x", in = "[1]" }]',
        "forin-huge": '[main]\nsteps = [{ let = "xs", value = [3, 1] }, { repeat = 15, do = [{ let = "xs", expr = "xs + xs" }] }, { for = "x", in = "xs", do = [{ log = "{x}" }] }]',
        "forin-nested-huge": '[main]\nsteps = [{ let = "xs", value = [3, 1] }, { repeat = 15, do = [{ let = "xs", expr = "xs + xs" }] }, { for = "x", in = "xs", do = [{ for = "y", in = "xs", do = [] }] }]',
        "forin-mutating": '[main]\nsteps = [{ let = "xs", value = [1] }, { for = "x", in = "xs", do = [{ let = "xs", expr = "xs + [x]" }] }, { log = "{len(xs)}" }]',
        "forin-tasks": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 1000, as = "ts" }, { for = "t", in = "ts", do = [{ await = "t" }, { cancel = "t" }] }]',
        "forin-group": '[tasks.f]\nsteps = [{ fail = "ValueError" }]\n[main]\nsteps = [{ try = [{ task_group = [{ spawn = "f", count = 3 }] }], error = "ExceptionGroup", as = "eg", except = [{ for = "e", in = "eg.exceptions", do = [{ log = "{e!r} {type(e).__name__}" }, { await = "e" }] }] }]',
        "forin-callback": '[main]\nsteps = [{ call_soon = [{ for = "x", in = "[1, 2]", do = [{ log = "{x}" }, { sleep = 1 }] }] }]',
        "forin-callback-ok": '[main]\nsteps = [{ call_soon = [{ for = "x", in = "[1, 2]", do = [{ log = "{x}" }] }] }, { sleep = 1 }]',
        # A TaskGroup's handle.
        "tg-not-a-group": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ let = "g", value = 1 }, { spawn = "t", group = "g" }]',
        "tg-param-not-a-group": '[tasks.t]\nsteps = []\n[tasks.s]\nparams = ["g"]\nsteps = [{ spawn = "t", group = "g" }]\n[main]\nsteps = [{ call = "s", args = { g = "x" } }]',
        "tg-undefined": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", group = "nope" }]',
        "tg-template-name": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ task_group = [], as = "g" }, { spawn = "t", group = "{g}" }]',
        "tg-bad-as": '[main]\nsteps = [{ task_group = [], as = "a b" }]',
        "tg-group-on-call": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ task_group = [], as = "g" }, { call = "t", group = "g" }]',
        "tg-await": '[main]\nsteps = [{ task_group = [], as = "g" }, { await = "g" }]',
        "tg-cancel": '[main]\nsteps = [{ task_group = [], as = "g" }, { cancel = "g" }]',
        "tg-reads": '[main]\nsteps = [{ task_group = [], as = "g" }, { log = "{g} {g!r} {g:type} {g.done()}" }]',
        "tg-after-exit-loop": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ task_group = [], as = "g" }, { while = "true", do = [{ try = [{ spawn = "t", group = "g" }], error = "RuntimeError", except = [] }] }]',
        "tg-recursive": '[tasks.t]\nparams = ["g"]\nsteps = [{ spawn = "t", group = "g", args = { g = "{g}" } }]\n[main]\nsteps = [{ task_group = [{ spawn = "t", args = { g = "{g}" } }], as = "g" }]',
        "tg-recursive-count": '[tasks.t]\nparams = ["g"]\nsteps = [{ sleep = 0 }, { spawn = "t", group = "g", count = 2, args = { g = "{g}" } }]\n[main]\nsteps = [{ task_group = [{ spawn = "t", args = { g = "{g}" } }], as = "g" }]',
        "tg-in-callback": '[tasks.t]\nsteps = [{ sleep = 1 }, { log = "t" }]\n[main]\nsteps = [{ task_group = [{ call_soon = [{ spawn = "t", group = "g" }] }, { sleep = 0.5 }], as = "g" }, { log = "done" }]',
        "tg-from-outside": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[tasks.o]\nparams = ["g"]\nsteps = [{ sleep = 0.5 }, { spawn = "t", group = "g", count = 100 }]\n[main]\nsteps = [{ task_group = [{ spawn = "o", args = { g = "{g}" } }, { sleep = 0.25 }], as = "g" }, { log = "done" }]',
        "tg-nested-self": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ task_group = [{ task_group = [{ spawn = "t", group = "g" }], as = "h" }, { spawn = "t", group = "h" }], as = "g" }]',
        "tg-list": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ task_group = [], as = "g" }, { let = "gs", value = ["{g}"] }, { let = "h", expr = "gs[0]" }, { spawn = "t", group = "h" }]',
    }
    for name, text in progs.items():
        add(name, text)
    return cases


def round24_constructs():
    """Round 24's constructs: `except*` (`try ... star = true`) and an exception group's
    `exceptions` and `message`, given odd types, groups deep and wide, handlers that raise,
    return or loop, and reads of the wrong kinds."""
    cases = []
    add = lambda name, text, allowed=(0, 1, 2): cases.append(
        Case(f"construct-{name}", ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    fail = '[tasks.f]\nparams = ["k"]\nsteps = [{ sleep = 1 }, { if = "{k} == 1", do = [{ fail = "ValueError", message = "v" }], else = [{ fail = "KeyError" }] }]\n'
    for k, e in enumerate(['"ValueError"', '"Exception"', '"CancelledError"', '"ExceptionGroup"',
                           '"BaseExceptionGroup"', '""', '"{x}"', '"Value Error"', "1", "[]", "true"]):
        add(f"star-error-{k:02}", f"[main]\nsteps = [{{ try = [{{ fail = \"ValueError\" }}], error = {e}, star = true, as = \"eg\", except = [{{ log = \"{{eg!r}}\" }}] }}]")
    for k, v in enumerate(["false", "1", '"yes"', "[]", "{}"]):
        add(f"star-value-{k:02}", f"[main]\nsteps = [{{ try = [], error = \"ValueError\", star = {v}, except = [] }}]")
    progs = {
        "star-no-error": '[main]\nsteps = [{ try = [], star = true, except = [] }]',
        "star-no-except": '[main]\nsteps = [{ try = [], error = "ValueError", star = true }]',
        "star-on-other-verb": '[main]\nsteps = [{ sleep = 1, star = true }]',
        "star-return": '[main]\nsteps = [{ try = [], error = "ValueError", star = true, except = [{ repeat = 1, do = [{ return = 1 }] }] }]',
        "star-return-in-shield": '[main]\nsteps = [{ try = [], error = "ValueError", star = true, except = [{ shield = [{ return = 1 }] }] }]',
        "star-group": fail + '[main]\nsteps = [{ try = [{ task_group = [{ spawn = "f", args = { k = 1 } }, { spawn = "f", args = { k = 2 } }] }], error = "ValueError", star = true, as = "eg", except = [{ log = "{eg.exceptions} {eg.message}" }] }]',
        "star-handler-raises": fail + '[main]\nsteps = [{ try = [{ task_group = [{ spawn = "f", args = { k = 1 } }, { spawn = "f", args = { k = 2 } }] }], error = "ValueError", star = true, except = [{ fail = "TypeError" }] }]',
        "star-handler-cancels": '[tasks.s]\nsteps = [{ try = [{ sleep = 5 }], error = "CancelledError", star = true, except = [{ fail = "CancelledError" }] }]\n[main]\nsteps = [{ spawn = "s", as = "t" }, { sleep = 0 }, { cancel = "t" }, { await = "t" }]',
        "star-handler-loops": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], error = "ValueError", star = true, except = [{ while = "true", do = [] }] }]',
        "star-wide-group": '[tasks.f]\nsteps = [{ fail = "ValueError" }]\n[main]\nsteps = [{ try = [{ task_group = [{ spawn = "f", count = 2000 }] }], error = "ValueError", star = true, as = "eg", except = [{ log = "{eg.exceptions}" }] }]',
        "star-deep-groups": '[tasks.g]\nparams = ["d"]\nsteps = [{ if = "{d} == 0", do = [{ fail = "ValueError" }], else = [{ let = "e", expr = "{d} - 1" }, { task_group = [{ spawn = "g", args = { d = "{e}" } }, { spawn = "g", args = { d = "{e}" } }] }] }]\n'
            '[main]\nsteps = [{ try = [{ call = "g", args = { d = 12 } }], error = "KeyError", star = true, except = [] }]',
        "star-in-callback": '[main]\nsteps = [{ call_soon = [{ try = [{ fail = "ValueError" }], error = "ValueError", star = true, as = "eg", except = [{ log = "{eg!r}" }] }] }, { sleep = 1 }]',
        "exceptions-of-task": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "h" }, { log = "{h.exceptions}" }]',
        "exceptions-of-int": '[main]\nsteps = [{ let = "e", value = 1 }, { log = "{e.exceptions} {e.message}" }]',
        "exceptions-of-lone": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], as = "e", except = [{ log = "{e.exceptions}" }] }]',
        "exceptions-compare": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], as = "e", except = [{ if = "e.exceptions == 1 or e.message > 2", do = [] }] }]',
        "gather-future-as-and-future": '[main]\nsteps = [{ gather = [], future = "g", as = "r" }]',
        "gather-future-empty": '[main]\nsteps = [{ gather = [], future = "g" }, { await = "g", as = "r" }, { log = "{r} {g!r} {g.done()}" }, { cancel = "g", as = "ok" }, { log = "{ok}" }]',
        "gather-future-bad-name": '[main]\nsteps = [{ gather = [], future = "" }]',
        "gather-future-list": '[main]\nsteps = [{ gather = [], future = ["g"] }]',
        "gather-future-nested": '[main]\nsteps = [{ gather = [], future = "g" }, { gather = [{ await = "g" }] }]',
        "gather-future-set-result": '[main]\nsteps = [{ gather = [], future = "g" }, { set_result = "g", value = 1 }]',
        "gather-future-shield": '[main]\nsteps = [{ gather = [], future = "g" }, { shield = "g" }]',
        "gather-future-callback": '[main]\nsteps = [{ gather = [], future = "g" }, { add_done_callback = "g", do = [] }]',
        "gather-future-of-futures": '[main]\nsteps = [{ create_future = "f" }, { gather = [{ await = "f" }], future = "g" }]',
        "gather-future-two-awaiters": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[tasks.w]\nparams = ["g"]\nsteps = [{ await = "g" }]\n[main]\nsteps = [{ gather = [{ call = "t" }], future = "g" }, { spawn = "w", args = { g = "{g}" }, count = 50, as = "ws" }, { await = "ws" }]',
        "gather-future-cancel-loop": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ gather = [{ call = "t" }], future = "g" }, { repeat = 1000, do = [{ cancel = "g", message = "x", as = "ok" }] }, { await = "g" }]',
        "gather-future-in-loop": '[tasks.t]\nsteps = [{ yield = 1 }]\n[main]\nsteps = [{ while = "true", do = [{ gather = [{ call = "t" }, { call = "t" }], future = "g" }] }]',
        "gather-future-self-result": '[tasks.t]\nparams = ["f"]\nsteps = [{ await = "f", as = "v" }, { return = "{v}" }]\n[main]\nsteps = [{ create_future = "f" }, { gather = [{ call = "t", args = { f = "{f}" } }], future = "g" }, { set_result = "f", value = "{g}" }, { await = "g", as = "r" }, { log = "{r} {g!r}" }]',
        "gather-future-chain": '[tasks.t]\nparams = ["p"]\nsteps = [{ return = "{p}" }]\n[main]\nsteps = [{ let = "g", value = 0 }, { repeat = 5000, do = [{ gather = [{ call = "t", args = { p = "{g}" } }], future = "h" }, { await = "h" }, { let = "g", value = "{h}" }] }, { log = "{g!r}" }]',
        "gather-future-in-callback": '[main]\nsteps = [{ call_soon = [{ gather = [], future = "g" }] }, { sleep = 1 }]',
        "as-completed-future-and-as": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "a" }, { as_completed = ["a"], future = "f", as = "v", do = [] }]',
        "as-completed-future-unawaited": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 100, as = "ts" }, { as_completed = ["ts"], future = "f", do = [] }, { log = "done" }]',
        "as-completed-future-twice": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "a" }, { as_completed = ["a"], future = "f", do = [{ await = "f" }, { await = "f" }] }]',
        "as-completed-future-kept": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "a" }, { as_completed = ["a"], future = "f", do = [] }, { await = "f" }, { log = "{f!r} {f:type}" }]',
        "as-completed-future-read": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "a" }, { as_completed = ["a"], future = "f", do = [{ log = "{f.done()}" }] }]',
        "as-completed-future-cancel": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "a" }, { as_completed = ["a"], future = "f", do = [{ cancel = "f" }] }]',
        "as-completed-future-timeout-0": '[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = "t", count = 50, as = "ts" }, { as_completed = ["ts"], timeout = 0, future = "f", do = [{ try = [{ await = "f" }], error = "TimeoutError", except = [] }] }]',
        "as-completed-future-in-gather": '[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = "t", as = "a" }, { as_completed = ["a"], future = "f", do = [{ gather = [{ await = "f" }] }] }]',
        "as-completed-future-duplicates": '[tasks.t]\nsteps = [{ sleep = 1 }, { return = 1 }]\n[main]\nsteps = [{ spawn = "t", as = "a" }, { let = "l", value = ["{a}", "{a}", "{a}"] }, { as_completed = ["l", "a"], future = "f", do = [{ await = "f", as = "v" }, { log = "{v}" }] }]',
        "finally-awaits": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], finally = [{ sleep = 1 }, { log = "slept" }] }]',
        "finally-raises": '[main]\nsteps = [{ try = [{ fail = "ValueError" }], finally = [{ fail = "KeyError" }] }]',
        "finally-returns": '[tasks.t]\nsteps = [{ try = [{ fail = "ValueError" }], finally = [{ return = 1 }] }]\n[main]\nsteps = [{ call = "t", as = "r" }, { log = "{r}" }]',
        "finally-cancelled-loop": '[tasks.t]\nsteps = [{ while = "true", do = [{ try = [{ sleep = 1 }], finally = [{ log = "f" }] }] }]\n[main]\nsteps = [{ spawn = "t", count = 100, as = "ts" }, { sleep = 0.5 }, { cancel = "ts" }, { gather = [{ await = "ts" }], return_exceptions = true }]',
        "finally-cancel-in-finally": '[tasks.t]\nsteps = [{ try = [{ sleep = 5 }], finally = [{ sleep = 5 }, { log = "late" }] }]\n[main]\nsteps = [{ spawn = "t", as = "t" }, { sleep = 1 }, { cancel = "t" }, { sleep = 1 }, { cancel = "t" }, { try = [{ await = "t" }], error = "CancelledError", except = [{ log = "{t.cancelled()}" }] }]',
        "finally-deep": '[main]\nsteps = [{ let = "n", value = 0 }, { while = "n < 100000", do = [{ try = [{ let = "n", expr = "n + 1" }], finally = [] }] }]',
        "finally-in-callback": '[main]\nsteps = [{ call_soon = [{ try = [{ fail = "ValueError" }], finally = [{ log = "cb finally" }] }] }, { sleep = 1 }]',
        "finally-error-only": '[main]\nsteps = [{ try = [], error = "ValueError", finally = [] }]',
        "finally-not-a-list": '[main]\nsteps = [{ try = [], finally = "x" }]',
        "finally-in-timeout": '[main]\nsteps = [{ try = [{ timeout = 0.5, do = [{ try = [{ sleep = 2 }], finally = [{ sleep = 1 }, { log = "after" }] }] }], error = "TimeoutError", except = [{ log = "timed out" }] }]',
        "exceptions-huge": '[main]\nsteps = [{ let = "s", value = "x" }, { repeat = 40, do = [{ let = "s", value = "{s}{s}" }] }, { try = [{ fail = "ValueError", message = "{s}" }], error = "ValueError", star = true, as = "eg", except = [{ log = "{eg.exceptions}" }] }]',
    }
    for name, text in progs.items():
        add(name, text)
    return cases


def loop_constructs():
    """Round 11's constructs: loop callbacks and their handles, a timeout's handle,
    `shield` of a task, `loop.time()` and `{x!r}`, given odd values and the wrong kinds."""
    cases = []
    add = lambda name, text, allowed=(1, 2): cases.append(
        Case(f"construct-{name}", ["run", "s.toml"], files={"s.toml": text}, allowed=allowed))
    for k, f in enumerate(["1.5.5", "1e999", "-1e999", "nan", "inf", "-0.0", "-1", "1e10",
                           '"nan"', '"-0.25"', '"None"', '"{x}"', '"{loop.time()}"', "[]", "{}",
                           "true", '""', "9223372036854775807"]):
        add(f"call-later-{k:02}", f"[main]\nsteps = [{{ call_later = {f}, do = [{{ log = \"x\" }}] }}, {{ sleep = 1 }}]", (0, 1, 2))
        add(f"call-at-{k:02}", f"[main]\nsteps = [{{ call_at = {f}, do = [{{ log = \"x\" }}] }}, {{ sleep = 1 }}]", (0, 1, 2))
        add(f"reschedule-at-{k:02}", f"[main]\nsteps = [{{ timeout = 1, as = \"cm\", do = [{{ reschedule = \"cm\", at = {f} }}, {{ sleep = 2 }}] }}]", (0, 1, 2))
        add(f"timeout-handle-{k:02}", f"[main]\nsteps = [{{ timeout = {f}, as = \"cm\", do = [{{ sleep = 1 }}] }}, {{ log = \"{{cm}}\" }}]", (0, 1, 2))
        add(f"call-at-computed-{k:02}", f"[main]\nsteps = [{{ let = \"t\", value = {f} }}, {{ call_at = \"{{t}}\", do = [] }}, {{ sleep = 1 }}]", (0, 1, 2))
    wrong = {
        "await-handle": '[main]\nsteps = [{ call_soon = [], as = "h" }, { await = "h" }]',
        "await-handle-param": JOB.replace('{ sleep = "{d}" }', '{ await = "d" }') + '[main]\nsteps = [{ call_soon = [], as = "h" }, { call = "job", args = { d = "{h}" } }]',
        "gather-handle-param": JOB.replace('{ sleep = "{d}" }', '{ gather = [{ await = "d" }] }') + '[main]\nsteps = [{ call_soon = [], as = "h" }, { call = "job", args = { d = "{h}" } }]',
        "callback-on-handle": '[main]\nsteps = [{ call_soon = [], as = "h" }, { add_done_callback = "h", do = [] }]',
        "reschedule-task": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { reschedule = "t" }]',
        "reschedule-param": JOB.replace('{ sleep = "{d}" }', '{ reschedule = "d" }') + '[main]\nsteps = [{ call = "job", args = { d = 1 } }]',
        "reschedule-undefined": '[main]\nsteps = [{ reschedule = "cm" }]',
        "reschedule-template": '[main]\nsteps = [{ timeout = 1, as = "cm", do = [{ reschedule = "{cm}" }] }]',
        "reschedule-after-block": '[main]\nsteps = [{ timeout = 1, as = "cm", do = [] }, { reschedule = "cm", at = 3 }]',
        "reschedule-after-expiry": '[main]\nsteps = [{ try = [{ timeout = 0, as = "cm", do = [{ sleep = 1 }] }], error = "TimeoutError", except = [] }, { reschedule = "cm" }]',
        "cancel-timeout-handle": '[main]\nsteps = [{ timeout = 1, as = "cm", do = [{ cancel = "cm" }] }]',
        "wait-for-as": '[main]\nsteps = [{ wait_for = 1, as = "cm", do = [] }]',
        "timeout-as-bad-name": '[main]\nsteps = [{ timeout = 1, as = "c m", do = [] }]',
        "timeout-as-nothing": '[main]\nsteps = [{ timeout = 1, as = "cm" }]',
        "shield-future": '[main]\nsteps = [{ create_future = "f" }, { shield = "f" }]',
        "shield-int": '[main]\nsteps = [{ shield = 3 }]',
        "shield-table": '[main]\nsteps = [{ shield = { t = 1 } }]',
        "shield-empty-name": '[main]\nsteps = [{ shield = "" }]',
        "shield-template": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { shield = "{t}" }]',
        "shield-list": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, count = 2, as = "ts" }, { shield = "ts" }]',
        "shield-list-param": JOB.replace('{ sleep = "{d}" }', '{ shield = "d" }') + '[main]\nsteps = [{ call = "job", args = { d = [1, 2] } }]',
        "shield-group-child": JOB + '[main]\nsteps = [{ task_group = [{ spawn = "job", args = { d = 1 }, as = "t" }, { shield = "t" }] }]',
        "shield-self-awaited": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { shield = "t" }, { shield = "t" }, { await = "t" }]',
        "callback-sleeps": '[main]\nsteps = [{ call_soon = [{ sleep = 1 }] }]',
        "callback-nested-await": '[main]\nsteps = [{ call_later = 1, do = [{ if = "true", do = [{ call_soon = [{ acquire = "l" }] }] }] }]',
        "callback-raises": '[main]\nsteps = [{ call_soon = [{ fail = "ValueError", message = "x" }] }, { yield = 1 }]',
        "callback-returns": '[main]\nsteps = [{ call_soon = [{ return = 1 }] }]',
        "callback-bad-read": '[main]\nsteps = [{ call_soon = [{ log = "{nope}" }] }]',
        "call-soon-with-do": '[main]\nsteps = [{ call_soon = [], do = [] }]',
        "call-later-no-do": '[main]\nsteps = [{ call_later = 1 }]',
        "handle-wrong-member": '[main]\nsteps = [{ call_soon = [], as = "h" }, { log = "{h.done()}" }]',
        "timeout-wrong-member": '[main]\nsteps = [{ timeout = 1, as = "cm", do = [{ log = "{cm.result()}" }] }]',
        "when-of-task": JOB + '[main]\nsteps = [{ spawn = "job", args = { d = 1 }, as = "t" }, { log = "{t.when()}" }]',
        "cancelling-of-future": '[main]\nsteps = [{ create_future = "f" }, { log = "{f.cancelling()}" }]',
        "loop-time-hidden": '[main]\nsteps = [{ let = "loop", value = 1 }, { log = "{loop.time()}" }]',
        "loop-time-var": '[vars]\nloop = 0\n[main]\nsteps = [{ log = "{loop.time()}" }]',
        "loop-other-member": '[main]\nsteps = [{ log = "{loop.now()}" }]',
        "loop-time-in-condition": '[main]\nsteps = [{ if = "loop.time() > 1", do = [] }]',
        "loop-time-into-int-var": '[vars]\nn = 0\n[main]\nsteps = [{ set = "n", expr = "loop.time()" }]',
        "repr-odd": '[main]\nsteps = [{ let = "x", value = 1 }, { log = "{x!s} {x!r!r} {!r} {x:type!r}" }]',
        "repr-of-undefined": '[main]\nsteps = [{ log = "{nope!r}" }]',
        "gather-future-never-set": '[main]\nsteps = [{ create_future = "f" }, { gather = [{ await = "f" }] }]',
        "gather-future-twice": '[main]\nsteps = [{ create_future = "f" }, { call_soon = [{ set_result = "f", value = 1 }] }, { gather = [{ await = "f" }, { await = "f" }], as = "r" }, { log = "{r}" }]',
        "gather-future-cancelled": '[main]\nsteps = [{ create_future = "f" }, { cancel = "f", message = "m" }, { gather = [{ await = "f" }] }]',
        "gather-future-list-param": JOB.replace('{ sleep = "{d}" }', '{ gather = [{ await = "d" }], return_exceptions = true }') + '[main]\nsteps = [{ create_future = "f" }, { create_future = "g" }, { let = "fs", value = ["{f}", "{g}", 3] }, { call = "job", args = { d = "{fs}" } }]',
        "gather-future-in-group": JOB + '[main]\nsteps = [{ create_future = "f" }, { task_group = [{ spawn = "job", args = { d = 1 }, as = "t" }, { gather = [{ await = "f" }, { await = "t" }] }] }]',
        "gather-future-cancel-awaiter": '[tasks.w]\nparams = ["f"]\nsteps = [{ gather = [{ await = "f" }] }]\n[main]\nsteps = [{ create_future = "f" }, { spawn = "w", args = { f = "{f}" }, as = "w" }, { yield = 1 }, { cancel = "w" }, { await = "w" }]',
        "wait-future-still-refused": '[main]\nsteps = [{ create_future = "f" }, { as_completed = ["f"], do = [] }]',
    }
    for name, text in wrong.items():
        add(name, text, (0, 1, 2))
    return cases


# ---------------------------------------------------------------------------------------
# The command line

GOOD = "[tasks.t]\nsteps = [{ yield = 1 }, { log = \"t\" }]\n[main]\nsteps = [{ spawn = \"t\", as = \"h\" }, { await = \"h\" }]\n"


def flags():
    cases = []
    bug = (ROOT / "scenarios/bug_lost_update.toml").read_text()
    files = {"s.toml": GOOD, "bug.toml": bug}
    add = lambda name, args, allowed=(0, 1, 2): cases.append(
        Case(name, args, files=files, allowed=allowed, usage=True))
    add("cli-none", [], (2,))
    add("cli-help", ["--help"], (0,))
    add("cli-version", ["--version"], (0,))
    add("cli-unknown", ["frobnicate"], (2,))
    for sub in ["run", "explore", "replay", "shrink", "check"]:
        add(f"cli-{sub}-help", [sub, "--help"], (0,))
        add(f"cli-{sub}-bare", [sub], (2,))
        add(f"cli-{sub}-unknown-flag", [sub, "s.toml", "--frob"], (2,))
        add(f"cli-{sub}-empty-path", [sub, ""] + (["sl3:fifo:0:AAAAAAA"] if sub in ("replay", "shrink") else []) + (["--runs", "2"] if sub == "explore" else []), (2,))
        add(f"cli-{sub}-dash-path", [sub, "--", "-"] + (["x"] if sub in ("replay", "shrink") else []), (2,))
    for v in ["-1", "1e3", "18446744073709551616", "x", "", "0x10", " 1"]:
        add(f"cli-seed-{v!r}", ["run", "s.toml", "--seed", v], (0, 2))
    add("cli-seed-max", ["run", "s.toml", "--seed", "18446744073709551615", "--policy", "random"], (0,))
    for p in ["foo", "pct:0", "pct:-1", "pct:", "pct:4294967296", "pct:4294967295", "PCT:3", "Random", "", "pct3", "pct:1"]:
        add(f"cli-policy-{p!r}", ["run", "s.toml", "--policy", p])
        add(f"cli-explore-policy-{p!r}", ["explore", "s.toml", "--runs", "5", "--policy", p])
    for f in ["xml", "", "TEXT", "html "]:
        add(f"cli-format-{f!r}", ["run", "s.toml", "--format", f], (2,))
    for out in ["/nonexistent/dir/x", "/dev/full", ".", "", "/proc/version"]:
        add(f"cli-out-{out!r}", ["run", "s.toml", "--format", "html", "--out", out], (0, 2))
    add("cli-out-devnull", ["run", "s.toml", "--out", "/dev/null"], (0,))
    for j in ["0", "1000", "-1", "x", "257", "256"]:
        add(f"cli-jobs-{j}", ["explore", "s.toml", "--runs", "4", "--jobs", j])
    for r in ["0", "-1", "x", "1e3", "18446744073709551615"]:
        add(f"cli-runs-{r}", ["explore", "bug.toml", "--runs", r])
    for s in ["0..0", "5..1", "a..b", "0..", "..5", "0...5", "18446744073709551614..18446744073709551615", "0..18446744073709551615", "1-5"]:
        add(f"cli-seeds-{s!r}", ["explore", "bug.toml", "--seeds", s])
    add("cli-runs-and-seeds", ["explore", "s.toml", "--runs", "3", "--seeds", "0..3"], (2,))
    for sh in ["0/0", "5/3", "3/3", "0/1", "x/y", "1", "0/18446744073709551615", "-1/2", "1/2"]:
        add(f"cli-shard-{sh!r}", ["explore", "bug.toml", "--runs", "10", "--shard", sh])
    add("cli-explore-keep-going", ["explore", "bug.toml", "--runs", "30", "--keep-going", "--no-shrink"], (1,))
    add("cli-explore-shrink", ["explore", "bug.toml", "--runs", "30", "--jobs", "2"], (1,))
    add("cli-explore-pct", ["explore", "bug.toml", "--runs", "30", "--policy", "pct:3"], (0, 1))
    add("cli-explore-fifo", ["explore", "s.toml", "--runs", "3", "--policy", "fifo"], (2,))
    for flag, vals in [("--max-steps", ["0", "1", "-1", "x", "18446744073709551615", "18446744073709551616"]),
                       ("--max-tasks", ["0", "1", "2", "99999999999999999999"]),
                       ("--max-time", ["0", "-1", "nan", "inf", "1e-12", "1e10", "1e9", "x", "0.001"]),
                       ("--max-output", ["0", "1", "10", "x", "18446744073709551615"])]:
        for v in vals:
            add(f"cli-run{flag}-{v}", ["run", "s.toml", flag, v])
            add(f"cli-explore{flag}-{v}", ["explore", "bug.toml", "--runs", "5", flag, v])
    add("cli-repeat-flag", ["run", "s.toml", "--seed", "1", "--seed", "2"], (0, 2))
    add("cli-check-dir", ["check", "."], (0, 1, 2))
    add("cli-check-root", ["check", "/"], (2,))
    add("cli-check-dev", ["check", "/dev"], (2,))
    add("cli-check-proc", ["check", "/proc/self"], (2,))
    add("cli-check-missing", ["check", "missing"], (2,))
    add("cli-nonutf8-arg", ["run", b"s\xff.toml"], (2,))
    add("cli-nonutf8-token", ["replay", "s.toml", b"sl3:\xff"], (2,))
    add("cli-huge-arg", ["run", "s" * 100000 + ".toml"], (2,))
    add("cli-huge-token", ["replay", "s.toml", "sl3:random:0:" + "A" * 120000], (2,))
    return cases


# ---------------------------------------------------------------------------------------
# Replay tokens

def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def forge(policy, seed, decisions, count=None, events=2, print_hash=0):
    """A token with a valid checksum: `decisions` as (index, arity) pairs, after a program
    fingerprint of `events` events (1 to 64) with hash `print_hash`."""
    # FIFO's tokens are version 3, Random's and PCT's version 6 (round 19).
    version = "sl3" if policy == "fifo" else "sl7"
    head = f"{version}:{policy}:{seed}:"
    body = (events << 56 | print_hash & ((1 << 56) - 1)).to_bytes(8, "little")
    body += varint(len(decisions) if count is None else count)
    for i, a in decisions:
        body += varint(i) + varint(a)
    sum_ = fnv1a64(head.encode() + body) & 0xFFFFFFFF
    payload = body + sum_.to_bytes(4, "little")
    return head + base64.urlsafe_b64encode(payload).decode().rstrip("=")


def tokens(sim_bin):
    """Tokens printed by `sim_bin` for a few scenarios, then mangled."""
    cases = []
    sources = ["bug_lost_update", "bug_lock_order_deadlock", "factorial_gather", "worker_pool_queue"]
    printed = {}
    for s in sources:
        out = subprocess.run([str(sim_bin), "explore", f"scenarios/{s}.toml", "--runs", "50", "--no-shrink"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        m = re.search(r"first failing token: (\S+)", out.stdout)
        if not m:
            out = subprocess.run([str(sim_bin), "run", f"scenarios/{s}.toml", "--policy", "random", "--seed", "3"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
            m = re.search(r"replay token: (\S+)", out.stderr)
        printed[s] = m.group(1)
    rng = random.Random(7)
    for s, tok in printed.items():
        files = {"s.toml": (ROOT / f"scenarios/{s}.toml").read_text()}
        other = {"s.toml": (ROOT / f"scenarios/{sources[(sources.index(s) + 1) % len(sources)]}.toml").read_text()}
        add = lambda name, args, allowed, f=files: cases.append(
            Case(f"token-{s}-{name}", args, files=f, allowed=allowed, usage=True))
        for verb in ["replay", "shrink"]:
            add(f"{verb}-own", [verb, "s.toml", tok], (0, 1, 2))
            add(f"{verb}-other-scenario", [verb, "s.toml", tok], (2,), other)
            # Without the scenario's fingerprint, the program's fingerprint refuses it.
            add(f"{verb}-other-scenario-no-fingerprint", [verb, "s.toml", tok.rsplit("@", 1)[0]], (2,), other)
        add("no-fingerprint", ["replay", "s.toml", tok.rsplit("@", 1)[0]], (0, 1))
        add("bad-fingerprint", ["replay", "s.toml", tok.rsplit("@", 1)[0] + "@zzzz"], (2,))
        add("empty-fingerprint", ["replay", "s.toml", tok.rsplit("@", 1)[0] + "@"], (2,))
        add("two-ats", ["replay", "s.toml", tok + "@" + tok.rsplit("@", 1)[1]], (2,))
        for cut in sorted({1, 3, 4, 8, len(tok) // 2, len(tok) - 10, len(tok) - 1}):
            add(f"truncated-{cut}", ["replay", "s.toml", tok[:cut]], (2,))
        for k in range(6):
            i = rng.randrange(len(tok))
            mutated = tok[:i] + rng.choice("AZaz09-_:@!") + tok[i + 1:]
            if mutated != tok:
                add(f"mutated-{k}", ["replay", "s.toml", mutated], (2,))
        for v in ["sl0", "sl1", "sl2", "sl4", "sl99", "SL3", "sl3 "]:
            # The version is what comes before the first `:` (`sl10:` since round 25; `tok[3:]`
            # left `0:` of it, so `sl1` + that was the current version again).
            add(f"version-{v.strip()}", ["replay", "s.toml", v + tok[tok.index(":"):]], (2,))
        add("whitespace", ["replay", "s.toml", f"  {tok}\n"], (0, 1))
        add("shell-quoted", ["replay", "s.toml", f"'{tok}'"], (2,))
    # The FIFO token of every bundled scenario (each passes in FIFO order, `sim check`):
    # its replay passes, and shrinking it must say there is nothing to shrink. The
    # shrinker once replayed a FIFO token's empty decision list, "diverged" at the first
    # pick among several ready tasks, and printed that as a shrunk run, exit 0.
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        out = subprocess.run([str(sim_bin), "run", str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        m = re.search(r"replay token: (\S+)", out.stderr)
        if out.returncode != 0 or not m:
            continue
        files = {"s.toml": path.read_text()}
        cases.append(Case(f"token-fifo-{path.stem}-replay", ["replay", "s.toml", m.group(1)],
                          files=files, allowed=(0,), usage=True))
        cases.append(Case(f"token-fifo-{path.stem}-shrink", ["shrink", "s.toml", m.group(1)],
                          files=files, allowed=(2,), usage=True))
    files = {"s.toml": (ROOT / "scenarios/bug_lost_update.toml").read_text()}
    add = lambda name, args, allowed: cases.append(
        Case(f"token-forged-{name}", args, files=files, allowed=allowed, usage=True))
    add("empty", ["replay", "s.toml", ""], (2,))
    add("garbage", ["replay", "s.toml", "hello"], (2,))
    add("fields", ["replay", "s.toml", "sl3:::"], (2,))
    add("seed-overflow", ["replay", "s.toml", "sl3:random:18446744073709551616:AAAAAAA"], (2,))
    add("print-no-events", ["replay", "s.toml", forge("random", 1, [], events=0)], (2,))
    add("print-too-many-events", ["replay", "s.toml", forge("random", 1, [], events=255)], (2,))
    add("print-short", ["replay", "s.toml", "sl3:fifo:0:" + base64.urlsafe_b64encode(bytes([1, 2, 3, 4, 5, 6])).decode().rstrip("=")], (2,))
    add("print-other-program", ["replay", "s.toml", forge("fifo", 0, [], events=64, print_hash=0x0123456789ABCDEF)], (2,))
    add("policy-pct0", ["replay", "s.toml", forge("pct0", 1, [])], (2,))
    add("policy-huge", ["replay", "s.toml", forge("pct4294967295", 1, [])], (0, 1, 2))
    add("no-decisions", ["replay", "s.toml", forge("random", 1, [])], (0, 1, 2))
    add("wrong-arity", ["replay", "s.toml", forge("random", 1, [(5, 9)] * 10)], (2,))
    add("many-decisions", ["replay", "s.toml", forge("random", 1, [(0, 2)] * 40000)], (0, 1, 2))
    add("count-huge", ["replay", "s.toml", forge("random", 1, [(0, 2)], count=1 << 62)], (2,))
    add("index-huge", ["replay", "s.toml", forge("random", 1, [(1 << 40, 1 << 41)])], (2,))
    add("impossible", ["replay", "s.toml", forge("random", 1, [(3, 2)])], (2,))
    add("shrink-many", ["shrink", "s.toml", forge("random", 1, [(1, 2)] * 5000)], (0, 1, 2))
    add("shrink-fifo-passing", ["shrink", "s.toml", forge("fifo", 0, [])], (0, 2))
    return cases


# ---------------------------------------------------------------------------------------
# Odd files

def make_fifo(d):
    os.mkfifo(d / "s.toml")


def make_dir(d):
    (d / "s.toml").mkdir()


def make_symlink_loop(d):
    os.symlink("s.toml", d / "s.toml")


def make_dev(target):
    def setup(d):
        os.symlink(target, d / "s.toml")
    return setup


def page_scripts_intact(stdout):
    """An HTML page whose data script holds no markup: a `<!--` and a later `<script>` in
    the data once made the browser read the page's code as part of the data."""
    page = stdout.decode("utf-8", "replace")
    start = page.find("<script id=data")
    data = page[page.find(">", start) + 1:page.find("</script>", start)]
    if "<" in data or page.count("<script") != 2:
        return "BAD page-markup"
    return None


def odd_files():
    cases = []
    good = (ROOT / "scenarios/factorial_gather.toml").read_text()
    # `sim check` takes a directory: one without scenarios is a usage error.
    add = lambda name, content, allowed=(2,), setup=None, sub="run": cases.append(
        Case(f"file-{name}-{sub}", [sub, "s.toml"] + (["sl3:fifo:0:yR-XYhc4XgIAs-zeBA"] if sub in ("replay", "shrink") else []) + (["--runs", "2"] if sub == "explore" else []),
             files={} if content is None else {"s.toml": content}, allowed=allowed, setup=setup,
             usage=sub == "check" and name == "directory"))
    for sub in ["run", "check", "explore", "replay", "shrink"]:
        add("missing", None, sub=sub)
        add("empty", "", sub=sub)
        add("directory", None, setup=make_dir, sub=sub)
        add("fifo", None, setup=make_fifo, sub=sub)
        add("dev-zero", None, setup=make_dev("/dev/zero"), sub=sub)
        add("dev-urandom", None, setup=make_dev("/dev/urandom"), sub=sub)
        add("binary", bytes(range(256)) * 64, sub=sub)
        add("non-utf8", good.encode() + b"\n# \xff\xfe\n", sub=sub)
    add("dev-null", None, setup=make_dev("/dev/null"))
    add("proc-file", None, setup=make_dev("/proc/self/status"))
    add("symlink-loop", None, setup=make_symlink_loop)
    add("only-comments", "# nothing\n# here\n")
    add("bom", "\ufeff" + good, (0, 2))
    add("crlf", good.replace("\n", "\r\n"), (0,))
    add("cr-only", good.replace("\n", "\r"), (2,))
    add("huge-line", "x = \"" + "a" * (3 << 20) + "\"\n[main]\nsteps = []", (0, 2))
    add("huge-line-error", "x = " + "a" * (3 << 20) + "\n[main]\nsteps = []")
    add("over-4mib", "# " + "a" * (5 << 20) + "\n[main]\nsteps = []")
    add("nul", good[:40] + "\x00" + good[40:])
    add("utf16", good.encode("utf-16"))
    add("latin1", ("# caf\u00e9\n" + good).encode("latin-1"))
    add("json", '{"main": {"steps": []}}')
    add("yaml", "main:\n  steps: []\n")
    add("toml-array-root", "[[main]]\nsteps = []")
    add("main-string", 'main = "x"')
    add("main-missing", "[tasks.t]\nsteps = []")
    add("steps-not-array", "[main]\nsteps = 5")
    add("steps-of-strings", '[main]\nsteps = ["sleep"]')
    add("unicode-names", '[tasks."t\u00e9\U0001F600"]\nsteps = []\n[main]\nsteps = [{ call = "t\u00e9\U0001F600" }]', (0, 2))
    add("rtl-log", '[main]\nsteps = [{ log = "\u202eevil\u202c \x1b" }]', (0, 2))
    add("control-in-log", '[main]\nsteps = [{ log = "a\\u0000b\\u001b[31m" }]', (0,))
    add("many-lines", "\n" * 1000000 + "[main]\nsteps = []", (0,))
    # Markup in what a run logs and names, in every format (the HTML page embeds it).
    markup = ('[tasks.t]\nname = "</script><b>"\nsteps = [{ log = "<script>x</script>" }]\n'
              '[main]\nsteps = [{ log = "<!--" }, { spawn = "t", as = "h" }, { await = "h" }, '
              '{ log = "]]> \\u2028 \\u0000 -->" }]\n')
    for fmt in FORMATS:
        cases.append(Case(f"file-markup-{fmt}", ["run", "s.toml", "--format", fmt],
                          files={"s.toml": markup}, allowed=(0,),
                          verify=page_scripts_intact if fmt == "html" else None))
    # A scenario whose name starts with `-`: its rerun command once passed it as a flag.
    bug = (ROOT / "scenarios/bug_lost_update.toml").read_text()
    cases.append(Case("file-dash-name-explore", ["explore", "--runs", "50", "--", "-s.toml"],
                      files={"-s.toml": bug}, allowed=(1,)))
    # Seed 10 loses the update under `sl10:` tokens' random policy (14 did before round 25).
    cases.append(Case("file-dash-name-run", ["run", "--policy", "random", "--seed", "10", "--",
                                             "-s.toml"], files={"-s.toml": bug}, allowed=(1,)))
    # `--out` naming the scenario itself (it once replaced the program with its trace).
    for k, out in enumerate(["s.toml", "./s.toml", "../file-out-self-2/s.toml"]):
        cases.append(Case(f"file-out-self-{k}", ["run", "s.toml", "--out", out],
                          files={"s.toml": good}, allowed=(2,), usage=True))
    return cases


# ---------------------------------------------------------------------------------------
# Running and classifying

def lay_out(case, root):
    d = root / case.name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for name, content in case.files.items():
        data = content.encode() if isinstance(content, str) else content
        (d / name).write_bytes(data)
    if case.setup:
        case.setup(d)
    return d


def run_case(case, sim_bin, root, time_limit, mem_limit):
    d = root / case.name
    # `prlimit` caps the address space and execs sim; GNU time reports sim's own peak
    # resident memory and CPU time (wait4 on a child forked from this Python process would
    # count Python's memory in the peak).
    argv = ["/usr/bin/time", "-f", "%M %U %S", "-o", str(d / "time"),
            "prlimit", f"--as={mem_limit}", "--", str(sim_bin)] + list(case.args)
    start = time.monotonic()
    with open(d / "stdout", "wb") as out, open(d / "stderr", "wb") as err:
        try:
            p = subprocess.Popen(argv, cwd=d, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, start_new_session=True)
        except OSError as e:
            raise RuntimeError(f"case {case.name} cannot start: {e}") from e
        deadline = start + time_limit
        status, usage, timed_out = None, None, False
        while True:
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                status, usage = st, ru
                break
            if time.monotonic() > deadline:
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                _, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.005)
        p.returncode = 0
    elapsed = time.monotonic() - start
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024
    measured = (d / "time").read_text() if (d / "time").exists() else ""
    if m := re.search(r"Command terminated by signal (\d+)", measured):
        status = int(m.group(1))  # as os.wait4 reports a death by that signal
    if m := re.search(r"(?m)^(\d+) ([\d.]+) ([\d.]+)$", measured):
        rss, cpu = int(m.group(1)) * 1024, float(m.group(2)) + float(m.group(3))
    stderr = (d / "stderr").read_bytes()
    stdout_len = (d / "stdout").stat().st_size
    stdout_head = (d / "stdout").read_bytes()[:1 << 20] if stdout_len < (64 << 20) else b""
    return classify(case, status, timed_out, cpu, rss, stderr, stdout_head), elapsed, cpu, rss


def classify(case, status, timed_out, cpu, rss, stderr, stdout):
    err = stderr.decode("utf-8", "replace")
    out = stdout.decode("utf-8", "replace")
    if timed_out:
        return "BAD timeout"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if "memory allocation" in err:
            return "BAD out-of-memory"
        if "overflowed its stack" in err:
            return "BAD stack-overflow"
        return f"BAD signal-{signal.Signals(sig).name}"
    code = os.WEXITSTATUS(status)
    # The panic hook's line (an HTML page names the word in its script: stdout is not read).
    if re.search(r"panicked at|has overflowed its stack|RUST_BACKTRACE", err):
        return "BAD panic"
    if code not in (0, 1, 2):
        return f"BAD exit-{code}"
    if len(stderr) > (64 << 10):
        return "BAD huge-message"
    if code not in case.allowed:
        if code == 0:
            return "BAD vacuous-pass"
        return f"BAD exit-{code}-unexpected"
    # CPU seconds: the machine is shared, so wall time measures the neighbours too (both
    # are printed).
    if case.runaway and (cpu > 2.0 or rss > 200 * MB):
        return "BAD runaway-over-2s-200MB"
    if code == 1:
        # A long token is kept in a file and printed as `@FILE (sl3:...)`.
        if re.search(r"(replay token|first failing token): (@\S+ \()?sl\d+:", err + out) or \
           re.search(r"replay: .* replay \S+ sl\d+:", out):
            return "ok failed-report"
        # `sim check` of a bug-zoo file whose seeds found no bug: no run failed, so there is
        # no token to print nor a run to rerun (a mutant of one, under round 25's random
        # policy).
        if re.search(r"FAIL \S+ \(expected a bug, none of \d+ .* found it\)", out + err):
            return "ok check-found-no-bug"
        return "BAD exit-1-no-token"
    if code == 2:
        if re.search(r"--> [^\n]*:\d+:\d+", err):
            return "ok located-error"
        if case.usage and re.search(r"(?m)^(error|Usage:)", err):
            return "ok usage-error"
        return "BAD exit-2-unlocated"
    if case.verify and (bad := case.verify(stdout)):
        return bad
    return "ok passed"


CARGO_RUN = ["cargo", "run", "-q", "-p", "simloop-cli", "--bin", "sim", "--"]


def bullets(text):
    """The broken expectations a report lists (`  - ...`), first lines only."""
    return [l for l in text.splitlines() if l.startswith("  - ")]


def rerun_case(case, sim_bin, root, time_limit):
    """Runs the rerun command a FAILED report printed, where it printed it: it must fail
    again (exit 1) with the same broken expectations."""
    d = root / case.name
    err = (d / "stderr").read_bytes().decode("utf-8", "replace")
    # `sim explore` prints its report on stdout; a run prints its trace there.
    out = (d / "stdout").read_bytes()[:1 << 20].decode("utf-8", "replace") \
        if case.args and case.args[0] == "explore" else ""
    text = err + out
    m = re.search(r"(?m)^(?:rerun|replay it): (.+)$", text)
    if not m:
        return "BAD rerun-missing"
    argv = shlex.split(m.group(1))
    if argv[:len(CARGO_RUN)] == CARGO_RUN:
        argv = [str(sim_bin)] + argv[len(CARGO_RUN):]
    elif not (os.path.exists(argv[0]) and os.path.samefile(argv[0], sim_bin)):
        return "BAD rerun-other-program"
    try:
        p = subprocess.run(argv, cwd=d, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=time_limit, start_new_session=True)
    except subprocess.TimeoutExpired:
        return "BAD rerun-timeout"
    (d / "rerun.stderr").write_bytes(p.stderr)
    if p.returncode != 1:
        return f"BAD rerun-exit-{p.returncode}"
    again = p.stderr.decode("utf-8", "replace")
    if bullets(again) != bullets(text):
        return "BAD rerun-differs"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", action="append", help="a sim binary (repeatable)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--time", type=float, default=20.0, help="seconds per case")
    ap.add_argument("--mem", type=float, default=4.0, help="GB of address space per case")
    ap.add_argument("--per-file", type=int, default=13, help="mutants per bundled scenario")
    ap.add_argument("--only", help="only cases whose name contains this")
    ap.add_argument("--out", default=str(ROOT / "target/hostile-corpus"))
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--no-reruns", action="store_true",
                    help="do not run the rerun commands of the FAILED reports")
    a = ap.parse_args()
    bins = [Path(b) for b in (a.bin or ["target/release/sim", "target/debug/sim"])]
    bins = [b if b.is_absolute() else ROOT / b for b in bins]
    for b in bins:
        if not b.exists():
            sys.exit(f"{b} is missing: build it first (see --help)")
    scenarios = sorted((ROOT / "scenarios").glob("*.toml")) + [ROOT / "scripts/timeline-10k-tasks.toml"]
    rng = random.Random(2026)
    # Tokens are recorded by running the first binary: only when token cases are wanted.
    wanted = lambda prefix: not a.only or a.only in prefix or a.only.startswith(prefix)
    cases = (mutants(scenarios, a.per_file, rng) + runaways() + programs() + constructs() + loop_constructs() + round23_constructs() + round24_constructs() + round25_constructs()
             + round26_constructs()
             + flags()
             + (tokens(bins[0]) if wanted("token-") else []) + odd_files())
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    if a.only:
        cases = [c for c in cases if a.only in c.name]
    if a.list:
        for c in cases:
            print(c.name, " ".join(x if isinstance(x, str) else repr(x) for x in c.args))
        print(f"{len(cases)} cases")
        return 0
    all_ok = True
    for b in bins:
        root = Path(a.out) / b.parent.name
        for c in cases:
            lay_out(c, root)
        results = {}
        # Runaway cases alone (their time is a target); the rest in parallel.
        par = [c for c in cases if not c.runaway]
        seq = [c for c in cases if c.runaway]
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            futs = {pool.submit(run_case, c, b, root, a.time, int(a.mem * GB)): c for c in par}
            for f in concurrent.futures.as_completed(futs):
                results[futs[f].name] = f.result()
        for c in seq:
            results[c.name] = run_case(c, b, root, a.time, int(a.mem * GB))
        if not a.no_reruns:
            failed = [c for c in cases if results[c.name][0] == "ok failed-report"]
            with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
                futs = {pool.submit(rerun_case, c, b, root, a.time): c for c in failed}
                for f in concurrent.futures.as_completed(futs):
                    c = futs[f]
                    if bad := f.result():
                        results[c.name] = (bad,) + results[c.name][1:]
        counts = {}
        for c in cases:
            verdict, elapsed, cpu, rss = results[c.name]
            counts[verdict] = counts.get(verdict, 0) + 1
            if a.verbose or verdict.startswith("BAD"):
                print(f"{verdict:28} {elapsed:6.2f}s wall {cpu:6.2f}s cpu {rss / MB:7.1f}MB  {c.name}: sim "
                      + " ".join(x if isinstance(x, str) else repr(x) for x in c.args)[:160]
                      + f"   (in {root / c.name})")
        handled = sum(n for v, n in counts.items() if v.startswith("ok"))
        run = [results[c.name] for c in seq]
        worst_t = max((r[1] for r in run), default=0)
        worst_c = max((r[2] for r in run), default=0)
        worst_m = max((r[3] for r in run), default=0)
        print(f"== {b.relative_to(ROOT) if b.is_relative_to(ROOT) else b}: {handled}/{len(cases)} handled")
        for v in sorted(counts):
            print(f"   {counts[v]:5}  {v}")
        print(f"   runaway programs ({len(seq)}): slowest {worst_c:.2f} s CPU ({worst_t:.2f} s wall), "
              f"largest {worst_m / MB:.0f} MB peak RSS (load average {os.getloadavg()[0]:.1f})")
        all_ok &= handled == len(cases)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())

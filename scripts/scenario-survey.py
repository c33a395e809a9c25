#!/usr/bin/env python3
"""Which conformance cases the `sim` scenario language cannot yet say, and why.

Reads every `tests/conformance/NNN_name.py` not yet ported as a scenario (neither in
`CONFORMANCE` of `sim/tests/it/scenarios.rs` nor in `sim/tests/differential/`) and tags
it with each construct its source uses that the language lacks, by pattern. A case with
no tag is a candidate port (to be confirmed by writing it). A first pass: a pattern can
miss a construct (a tuple printed as such) or see one that a rewrite avoids (a `while`
that is a `for`), so the counts are a map of what blocks, not a verdict per case.

    scripts/scenario-survey.py            # the table, most common construct first
    scripts/scenario-survey.py --cases    # each case with its tags
    scripts/scenario-survey.py --builtins # which Python builtins the cases left use
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

BUILTINS = "Python builtins beyond the expression functions (comprehensions, isinstance, enumerate, list.append, str methods)"

# A comprehension the language lacks: one that unpacks its items or has two `for`s (one
# with a single name, an `if` and a conditional item is an expression since round 26).
OTHER_COMPREHENSIONS = r"[\[(][^]\n]* for \w+\s*,[^]\n]* in [^]\n]*[\])]|[\[(][^]\n]* for [^]\n]* for [^]\n]*[\])]"

# (tag, pattern): a construct the language lacks, seen in a case's source. The order is
# the table's order when counts tie.
MISSING = [
    ("current_task() as a value (its name, identity)", r"current_task\(\)(?!\.(cancelling|uncancel|get_name|set_name)\()"),
    ("all_tasks()", r"all_tasks\("),
    # A comprehension over `eg.exceptions` is a scenario's since round 26: what is left is a
    # `for` statement over them (a recursive walk, with isinstance), `split` and `subgroup`.
    ("an ExceptionGroup's members iterated, split or subgrouped", r"^\s*for \w+ in \w+\.exceptions|\.split\(|\.subgroup\("),
    # A gather held as a value is a scenario since round 24 (`gather ... future`): the cases
    # left with this tag nest one in a gather or a shield, hold a shield, or gather futures.
    ("a gather nested in a gather or shield, a shield held as a value, a held gather of futures", r"(?<!await )(?<!return )\basyncio\.(gather|shield)\((?![^\n]*\)\s*$)|^\s*\w+\s*=\s*asyncio\.(gather|shield)\("),
    # `e.args` is a scenario's `{e.args}` since round 23: what is left is the chain.
    ("exception attributes (__cause__, __context__, raise from)", r"__cause__|__context__|raise \w+.* from "),
    ("break or continue (a while on a flag says most)", r"^\s*break\b|^\s*continue\b"),
    ("Python's random module (simloop's seeded RNG draws other numbers)", r"\brandom\.(randint|random|uniform|choice|seed|Random)"),
    ("async generators, async for", r"\basync for\b|^\s*yield\b"),
    ("threads (to_thread, run_in_executor)", r"to_thread|run_in_executor"),
    ("context variables", r"contextvars|ContextVar"),
    ("user classes (custom exceptions, objects)", r"^\s*class \w+"),
    ("dicts, sets, tuples as values", r"\bdict\(|\bset\(|\{\s*[\w'\"]+\s*:\s*[^}]|\.items\(\)|\.keys\(\)"),
    # Since round 25 expressions call len, sorted, sum, min, max, str, repr, round and abs,
    # and take `in` and `xs[i]`; `{x:type}` is `type(x).__name__` (item by item for a list),
    # and a comprehension that makes tasks is a `spawn` per task. What is left: the other
    # builtins, list mutation shared between tasks, str methods and other comprehensions.
    # (`q.join()` is a queue's join, a step: only a string's `.join(` counts.)
    # Since round 26 a comprehension with one `for` over one name (and an `if`), a
    # conditional expression and `isinstance(x, T)` are expressions too: what is left of
    # comprehensions is one that unpacks (`for a, b in ...`) or has two `for`s, and of
    # `isinstance` a tuple of types.
    (BUILTINS, r"\b(any|all|enumerate|zip|int|float|list|dict)\(|\bisinstance\([^)]*\(|(?<!\w)type\((?![^)]*\)\.__name__)|[\"'\]]\.join\(|\.(append|pop|extend|format|upper|lower|startswith|endswith|split|strip|index|count|sort)\(|" + OTHER_COMPREHENSIONS),
    ("format specs ({x:.2f}, {x:>5})", r"\{[^{}]*:[.<>^0-9][^{}]*\}"),
    ("a Condition over a given lock", r"Condition\(\s*\w"),
    ("loop API (run_until_complete, Runner, stop, exception handler)", r"run_until_complete|asyncio\.Runner|\.stop\(\)|exception_handler|get_event_loop|new_event_loop"),
    ("task internals (get_coro, get_stack, print_stack, get_context)", r"get_coro|get_stack|print_stack|get_context"),
    ("wait or as_completed over bare futures", r"asyncio\.(wait|as_completed)\([^)]*\bf\w*\b"),
    ("BaseException beyond Exception (KeyboardInterrupt, SystemExit)", r"KeyboardInterrupt|SystemExit|BaseException"),
    # A TaskGroup's handle is a scenario's since round 26 (`task_group ... as`, `spawn ...
    # group`); what is left reads it otherwise (its repr, `tg._tasks`).
    ("a TaskGroup handle used outside its block", r"^(?!\s*async with)[^\n]*\btg\b(?!\.create_task|\))(?!, )"),
    ("eager_start / a task factory of one's own", r"eager_start|set_task_factory\((?!asyncio\.eager_task_factory)"),
]


# What the language leaves out by design: it is asyncio's order and primitives in TOML,
# not Python; its values are numbers, strings, lists, tasks, futures and exceptions, its
# randomness the run's seeded RNG, its clock virtual.
BY_DESIGN = {
    BUILTINS,
    "dicts, sets, tuples as values",
    "user classes (custom exceptions, objects)",
    "format specs ({x:.2f}, {x:>5})",
    "Python's random module (simloop's seeded RNG draws other numbers)",
    "threads (to_thread, run_in_executor)",
    "BaseException beyond Exception (KeyboardInterrupt, SystemExit)",
    "loop API (run_until_complete, Runner, stop, exception handler)",
    "task internals (get_coro, get_stack, print_stack, get_context)",
    "a private attribute (Queue._unfinished_tasks)",
}

# Found by writing the port (rounds 23 and 24): what blocks a case the patterns above miss.
KNOWN = {
    "134": "an as_completed iterator used with next()",
    "165": "shield of a bare future",
    "586": "shield of a bare future",
    "572": "wait or as_completed over bare futures",
    "552": "known difference: a gather over futures cancelled through its caller",
    "398": "a private attribute (Queue._unfinished_tasks)",
    "309": "a private attribute (Queue._unfinished_tasks)",
    "333": "a private attribute (Queue._unfinished_tasks)",
    "559": "a private attribute (Queue._unfinished_tasks)",
    "659": "a private attribute (Queue._unfinished_tasks)",
    "509": "known difference: a Condition waiter cancelled twice (round 23)",
    "510": "known difference: a Condition waiter cancelled twice (round 23)",
    "323": "asyncio's default task names (Task-N; sim names a task by its template)",
    "524": "dicts, sets, tuples as values",
    "660": "wait or as_completed over bare futures",
    # Round 26: the patterns above miss these.
    "623": "a gather nested in a gather or shield, a shield held as a value, a held gather of futures",
}


def ported():
    src = open(os.path.join(ROOT, "sim/tests/it/scenarios.rs")).read()
    table = src[src.index("const CONFORMANCE") :]
    table = table[: table.index("];")]
    names = set(re.findall(r'"(\d{3}_[a-z0-9_]+)', table))
    diff = os.path.join(ROOT, "sim/tests/differential")
    # `NNN_name.fifo.toml` is checked against `NNN_name.fifo.out`: it ports case NNN_name.
    names |= {f.split(".")[0] for f in os.listdir(diff) if f.endswith(".toml")}
    return names


def tags(source):
    text = body(source)
    found = [tag for tag, pat in MISSING if re.search(pat, text, re.M)]
    if try_else(text):
        found.append("try/else")
    return found


def try_else(body):
    """An `else:` at the indentation of the `except` before it (not an `if`'s)."""
    last = {}
    for line in body.splitlines():
        indent = len(line) - len(line.lstrip())
        word = line.strip().split(" ")[0].rstrip(":")
        if word in ("if", "elif", "except", "for", "while", "try"):
            last[indent] = word
        if word == "else" and last.get(indent) == "except":
            return True
    return False


# The Python builtins and idioms a case's source uses, for `--builtins` (round 25 chose
# the expression functions by these counts): (name, pattern, whether expressions have it).
USES = [
    ("len", r"\blen\(", True),
    ("sorted", r"\bsorted\(", True),
    ("sum", r"\bsum\(", True),
    ("min, max", r"\b(min|max)\(", True),
    ("round", r"\bround\(", True),
    ("abs", r"\babs\(", True),
    ("str(x)", r"(?<![\w.])str\(", True),
    ("repr(x)", r"\brepr\(", True),
    ("x in xs, x not in xs", r"\bif (not )?[\w.()]+ (not )?in \w+", True),
    ("xs[i], xs[-1]", r"\w\[-?\w+\]", True),
    ("type(x).__name__ ({x:type})", r"\btype\(\w+\)\.__name__", True),
    ("a comprehension that makes tasks (spawn steps)", r"\[[^]\n]*create_task\([^]\n]* for ", True),
    ("isinstance (round 26: a type's name, not a tuple of them)", r"\bisinstance\(", True),
    ("enumerate, zip", r"\b(enumerate|zip)\(", False),
    ("any, all", r"\b(any|all)\(", False),
    ("list.append, pop, extend", r"\.(append|pop|extend)\(", False),
    ("str methods (join, upper, format, ...)", r"[\"'\]]\.join\(|\.(upper|lower|startswith|endswith|split|strip|format)\(", False),
    ("a comprehension over one name, with an `if` (round 26)", r"\[(?![^]\n]*create_task\()(?!type\(\w+\)\.__name__ for \w+ in \w+\])[^]\n]* for [^]\n]*\]", True),
    ("a conditional expression, `a if c else b` (round 26)", r"\S [^\n=]* if [^\n:]* else ", True),
    ("comprehensions that unpack or nest two fors", OTHER_COMPREHENSIONS, False),
]


def builtins(rest, tagged, conf):
    """Counts, over the cases left, those using each builtin, and those it is the only
    builtin of that blocks nothing else."""
    print("| builtin or idiom | in expressions | cases left using it | of them blocked by nothing else |")
    print("| --- | --- | --- | --- |")
    for name, pat, have in USES:
        using = [c for c in rest if re.search(pat, body(open(os.path.join(conf, c + ".py")).read()), re.M)]
        free = [c for c in using if not tagged[c]]
        print(f"| {name} | {'yes' if have else 'no'} | {len(using)} | {len(free)} |")


def body(source):
    text = "\n".join(l for l in source.splitlines() if not l.lstrip().startswith("#"))
    return text.split("from vclock import", 1)[-1]


def main():
    conf = os.path.join(ROOT, "tests/conformance")
    done = ported()
    cases = sorted(f[:-3] for f in os.listdir(conf) if f.endswith(".py"))
    rest = [c for c in cases if c not in done]
    tagged = {c: tags(open(os.path.join(conf, c + ".py")).read()) for c in rest}
    for c in rest:
        if c[:3] in KNOWN and KNOWN[c[:3]] not in tagged[c]:
            tagged[c].append(KNOWN[c[:3]])
    if "--builtins" in sys.argv:
        builtins(rest, tagged, conf)
        return
    if "--cases" in sys.argv:
        for c in rest:
            print(c, "|", "; ".join(tagged[c]) or "candidate")
        return
    print(f"{len(cases)} cases, {len(done)} ported, {len(rest)} not yet")
    print(f"no construct missing by pattern (candidates): {sum(1 for c in rest if not tagged[c])}")
    print(f"one construct missing: {sum(1 for c in rest if len(tagged[c]) == 1)}")
    extra = [("try/else", "")] + [(t, "") for t in dict.fromkeys(KNOWN.values())]
    order = {tag: i for i, (tag, _) in enumerate(MISSING + extra)}
    counts = {}
    alone = {}
    for c in rest:
        for t in tagged[c]:
            counts[t] = counts.get(t, 0) + 1
            if len(tagged[c]) == 1:
                alone.setdefault(t, []).append(c[:3])
    design_only = sum(1 for c in rest if tagged[c] and set(tagged[c]) <= BY_DESIGN)
    print(f"blocked only by what the language leaves out by design: {design_only}")
    print("| construct | kind | cases using it | cases it alone blocks |")
    print("| --- | --- | --- | --- |")
    for t in sorted(counts, key=lambda t: (-counts[t], order[t])):
        a = alone.get(t, [])
        kind = "by design" if t in BY_DESIGN else "missing" if not t.startswith("known") else "bug"
        print(f"| {t} | {kind} | {counts[t]} | {len(a)}: {', '.join(a) if a else '-'} |")


if __name__ == "__main__":
    main()

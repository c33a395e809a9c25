#!/usr/bin/env python3
"""tokio 1.54.1's public API against simloop-tokio's under --cfg simloop, from their rustdoc.

    python3 scripts/tokio-api-surface.py            # builds both docs (offline), prints the gaps

Builds the HTML docs of tokio (a scratch crate in target/api-surface/ that depends on tokio
with the features the drop-in offers) and of simloop-tokio under the cfg (every feature),
then compares, for the modules the drop-in implements itself (runtime, task, time, net,
process, signal; sync, io and fs are tokio's own, re-exported):

- each module of tokio's (any) and each page (struct, enum, trait, function) of the
  modules above that the drop-in lacks;
- each method, associated item and trait impl of a type that the drop-in lacks;
- each method whose signature differs once rendering is normalised (parameter names,
  `Self`, `io::Result<T>` spelled out, bounds inline or in `where`);
- each method whose inherent impl block has more bounds than tokio's (`impl<T: Send>`);
- each auto trait (Send, Sync, Unpin, UnwindSafe, RefUnwindSafe) tokio's type has and
  the drop-in's lacks.

The output still needs reading: rustdoc renders an item defined in another crate
differently from a local one, and a few lines are such renderings (tokio/conformance/
README.md lists what each remaining line is). Exit status 0 either way.
"""

import html
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "api-surface")
MODULES = ("runtime", "task", "time", "net", "process", "signal")
FEATURES = ["rt", "rt-multi-thread", "time", "sync", "macros", "io-util", "io-std", "net",
            "fs", "process", "signal", "test-util"]
AUTO = ("Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe")


def build_docs():
    """Both docs, offline (tokio from the cargo registry, as the conformance script)."""
    scratch = os.path.join(WORK, "tokio-doc")
    os.makedirs(os.path.join(scratch, "src"), exist_ok=True)
    with open(os.path.join(scratch, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "tokio-doc"\nversion = "0.0.0"\nedition = "2021"\n'
                '[dependencies]\ntokio = { version = "=1.54.1", features = %s }\n'
                "[workspace]\n" % str(FEATURES).replace("'", '"'))
    open(os.path.join(scratch, "src", "lib.rs"), "w").close()
    subprocess.run(["cp", os.path.join(ROOT, "Cargo.lock"), scratch], check=True)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(WORK, "tokio"))
    subprocess.run(["cargo", "doc", "--offline", "-q", "-p", "tokio", "--no-deps"],
                   cwd=scratch, env=env, check=True)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(WORK, "sim"),
               RUSTFLAGS="--cfg simloop", RUSTDOCFLAGS="--cfg simloop")
    subprocess.run(["cargo", "doc", "-q", "-p", "simloop-tokio", "--no-deps", "--features",
                    "simloop-tokio/full,simloop-tokio/test-util"], cwd=ROOT, env=env,
                   check=True)
    return (os.path.join(WORK, "tokio", "doc", "tokio"),
            os.path.join(WORK, "sim", "doc", "simloop_tokio"))


def text(fragment):
    fragment = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return re.sub(r"\s+", "", fragment).replace("Source", "").replace("§", "")


def pages(root):
    """Relative path -> file of each item page that is not a redirect."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            if re.match(r"(struct|enum|trait|fn|type|macro|attr)\.", f):
                path = os.path.join(d, f)
                with open(path) as h:
                    if 'http-equiv="refresh"' not in h.read(3000):
                        out[os.path.relpath(path, root)] = path
    return out


def members(path):
    """Member id -> (rendered header, the inherent impl block's header or None)."""
    with open(path) as h:
        page = h.read()
    cut = page.find('id="trait-implementations"')
    out, block = {}, None
    pattern = (r'<section id="(impl-[^"]*)"[^>]*>(.*?)</h3>'
               r'|<section id="((?:method|tymethod|associatedconstant|associatedtype)\.[^"]+)"'
               r'[^>]*>(.*?)</h4>')
    for m in re.finditer(pattern, page, re.S):
        if m.group(1):
            out[m.group(1)] = (text(m.group(2)), None)
            block = text(m.group(2)) if cut < 0 or m.start() < cut else None
        else:
            out[m.group(3)] = (text(m.group(4)), block)
    return out


def normalise(sig, ty):
    sig = re.sub(r"^.*?(?=(pub|fn|const|async|unsafe|type))", "", sig, count=1)
    sig = sig.replace("c_int", "i32").replace("RawFd", "i32")
    sig = sig.replace("Self::Output", "Output").replace("Self::Error", "Error")
    sig = sig.replace("Self", ty)
    sig = re.sub(r"'[a-z](?=mut|[^a-z])", "'_", sig)
    sig = re.sub(r"(fn\w+)<'_>\(", r"\1(", sig)
    sig = re.sub(r"&'_(mut)?self", r"&\1self", sig)
    sig = re.sub(r"Result<((?:[^<>]|<(?:[^<>]|<[^<>]*>)*>)*?),Error>", r"Result<\1>", sig)
    sig = sig.replace("Result<()>", "Result")
    sig = re.sub(r"([(,])(mut)?_?\w+:", r"\1", sig).replace(",)", ")")
    sig = re.sub(r"<%s(<[^>]*>)?asFuture>::Output" % ty, "Output", sig)
    sig = sig.replace("Poll<()>", "Poll<Output>")
    sig = re.sub(r"%s<[^<>]*>" % ty, ty, sig)
    sig = re.sub(r"where.*$", "", sig.replace("ⓘ", ""))
    sig = re.sub(r"<(\w+):[^<>]*(?:<[^<>]*>)?[^<>]*>", r"<\1>", sig)
    sig = sig.replace("+use<>", "")
    return sig


def bounds(block):
    """An impl header with a single parameter's `where` bound moved inline."""
    m = re.match(r"impl<(\w+)>(.*?)where\1:(.*?),?$", block)
    return "impl<%s:%s>%s" % (m.group(1), m.group(3), m.group(2)) if m else block


def main():
    tokio_root, sim_root = build_docs()
    ours, theirs = pages(sim_root), pages(tokio_root)
    for d, _, files in os.walk(tokio_root):
        module = os.path.relpath(d, tokio_root)
        if "index.html" in files and not os.path.isfile(os.path.join(sim_root, module, "index.html")):
            print("missing module:", module)
    for rel in sorted(theirs):
        if rel.split("/")[0] not in MODULES:
            continue
        if rel not in ours:
            print("missing item:", rel)
            continue
        ty = rel.rsplit(".", 2)[-2]
        a, b = members(theirs[rel]), members(ours[rel])
        for key, (sig, block) in a.items():
            if key.startswith("impl-"):
                blanket = re.search(r"-for-(T|DT|&|%26)|Blanket", key)
                if key not in b and not blanket and "Drop-for" not in key \
                        and not re.match(r"impl-%s(-\d+|%%3C)" % ty, key):
                    print("missing impl: %s %s" % (rel, sig))
                elif key in b and any(f"{t}for" in sig for t in AUTO) \
                        and not sig.startswith("impl!") and b[key][0].startswith("impl!"):
                    print("auto trait lacking: %s %s" % (rel, sig))
                continue
            if key not in b:
                if not key.startswith("method.drop"):
                    print("missing member: %s %s: %s" % (rel, key, sig))
                continue
            # Overloads (`sub`, `sub-1`) may come in another order: any of the name's.
            base = re.sub(r"-\d+$", "", key)
            alike = [normalise(v[0], ty) for k, v in b.items() if re.sub(r"-\d+$", "", k) == base]
            if key.startswith("method.") and normalise(sig, ty) not in alike:
                print("signature: %s %s\n    tokio: %s\n    ours:  %s"
                      % (rel, key, sig, b[key][0]))
            # Only stricter bounds of ours break code (looser ones accept more).
            if block and b[key][1] and len(bounds(b[key][1])) > len(bounds(block)):
                print("impl bounds: %s %s\n    tokio: %s\n    ours:  %s"
                      % (rel, key, block, b[key][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

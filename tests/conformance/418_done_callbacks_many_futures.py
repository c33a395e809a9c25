# Rules 1, 5: futures completed from one callback queue their done-callbacks in completion order behind call_soon callbacks already queued; a callback's own call_soon goes to the back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    fs = [loop.create_future() for _ in range(3)]
    for i, f in enumerate(fs):
        f.add_done_callback(lambda f, i=i: log(f"f{i} cb1 {f.result()}"))
    fs[0].add_done_callback(lambda f: loop.call_soon(log, "soon from f0 cb"))
    fs[1].add_done_callback(lambda f: log("f1 cb2"))

    def complete():
        loop.call_soon(log, "soon before sets")
        fs[2].set_result("c")
        fs[0].set_result("a")
        loop.call_soon(log, "soon between sets")
        fs[1].set_result("b")

    loop.call_soon(complete)
    loop.call_soon(log, "soon queued earlier")
    r = await asyncio.gather(*fs)
    log(f"gathered {r}")

run(main())

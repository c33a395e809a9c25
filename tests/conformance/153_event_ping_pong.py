# Rule 9: two tasks hand a ball back and forth with two Events, each clearing its own before waiting again.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def player(name, mine, theirs, rounds):
    for i in range(rounds):
        await mine.wait()
        mine.clear()
        log(f"{name} hits {i}")
        await asyncio.sleep(0.25)
        theirs.set()


async def main():
    ping, pong = asyncio.Event(), asyncio.Event()
    a = asyncio.create_task(player("ping", ping, pong, 3))
    b = asyncio.create_task(player("pong", pong, ping, 3))
    await asyncio.sleep(0.5)
    log("serve")
    ping.set()
    await asyncio.gather(a, b)
    log(f"ping set={ping.is_set()} pong set={pong.is_set()}")


run(main())

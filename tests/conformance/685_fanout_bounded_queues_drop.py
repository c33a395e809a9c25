# Rule 10: pub/sub fan-out over per-subscriber bounded queues: the publisher never blocks, it put_nowait()s to each and drops the message for a subscriber whose queue is full (QueueFull); a slow subscriber loses messages, a fast one gets all; a None ends each.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def subscriber(name, q, d, got):
    while True:
        m = await q.get()
        if m is None:
            log(f"{name} ends with {got}")
            return
        got.append(m)
        log(f"{name} got {m}")
        await asyncio.sleep(d)


async def main():
    subs = {"fast": (asyncio.Queue(2), 0.0625), "slow": (asyncio.Queue(1), 0.375)}
    got = {n: [] for n in subs}
    ts = [asyncio.create_task(subscriber(n, q, d, got[n])) for n, (q, d) in subs.items()]
    dropped = []
    for m in range(6):
        await asyncio.sleep(0.125)
        for n, (q, _) in subs.items():
            try:
                q.put_nowait(m)
            except asyncio.QueueFull:
                dropped.append((n, m))
                log(f"drop {m} for {n}")
    for n, (q, _) in subs.items():
        await q.put(None)
    await asyncio.gather(*ts)
    log(f"end dropped={dropped}")

run(main())

# Rules 4, 7, 12: a hedged call: wait() gives the primary 0.125 s, then a backup starts and wait(FIRST_COMPLETED) takes whichever ends first; the loser is cancelled with a message its awaiter sees; a primary answering at the wait's deadline is late (the wait's timer was armed before the primary's first step), yet it wins the race.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def request(name, d):
    await asyncio.sleep(d)
    log(f"{name} answers")
    return name


async def hedged(label, primary_d, backup_d):
    p = asyncio.create_task(request(f"{label}-primary", primary_d))
    done, _ = await asyncio.wait({p}, timeout=0.125)
    if done:
        log(f"{label}: primary in time, no backup")
        return p.result()
    log(f"{label}: primary slow, backup starts")
    b = asyncio.create_task(request(f"{label}-backup", backup_d))
    done, pending = await asyncio.wait([p, b], return_when=asyncio.FIRST_COMPLETED)
    (winner,) = done
    for t in pending:
        t.cancel(f"{label} lost the race")
        try:
            await t
        except asyncio.CancelledError as e:
            log(f"loser sees {e.args}, cancelled={t.cancelled()}")
    return winner.result()


async def main():
    log(f"got {await hedged('x', 0.5, 0.125)}")
    log(f"got {await hedged('y', 0.375, 0.5)}")
    log(f"got {await hedged('z', 0.125, 1)}")

run(main())

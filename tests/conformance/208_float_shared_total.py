# Rules 1, 3 and 5: a shared float total updated by tasks that read it, yield, then write it back: two deposits at the same instant lose one (a lost update); later ones add fractions; the average is a float division.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

total = 0.0
count = 0


async def deposit(name, amount, delay):
    global total, count
    await asyncio.sleep(delay)
    seen = total
    await asyncio.sleep(0)
    total = seen + amount
    count += 1
    log(f"{name} deposited {amount}, total={total}")


async def main():
    await asyncio.gather(deposit("a", 0.25, 0.5), deposit("b", 1.5, 0.5), deposit("c", 0.125, 0.75))
    log(f"total={total} count={count} average={total / count}")
    if total < 1.75:
        log(f"lost {1.875 - total}")


run(main())

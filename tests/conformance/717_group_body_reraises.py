# Rule 7, 12: a TaskGroup body that catches its task's cancellation and re-raises it: `__aexit__` receives the CancelledError, cancels the child and waits for it (it cleans up with a sleep) before raising it on, with its message, to the `except` around the group; the task ends cancelled once it re-raises again. A body that cleans up with a sleep before re-raising; a child failing while the body cleans up interrupts it, and the group raises the ExceptionGroup (3.13: the task then ends cancelled).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, clean):
    try:
        await asyncio.sleep(2)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}")
        if clean:
            await asyncio.sleep(clean)
            log(f"{name} cleaned up")
        raise
    return name


async def failing():
    await asyncio.sleep(0.75)
    raise ValueError("boom")


async def grouped(label, clean, fail):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(f"{label}-a", 0.25))
            if fail:
                tg.create_task(failing())
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError as e:
                log(f"{label} body caught {e!r}")
                if clean:
                    await asyncio.sleep(clean)
                    log(f"{label} body cleaned up")
                raise
    except asyncio.CancelledError as e:
        log(f"{label} outside caught {e!r}, cancelling {asyncio.current_task().cancelling()}")
        raise
    except ExceptionGroup as e:
        log(f"{label} outside caught {e!r}")
        return "failed"


async def main():
    for label, clean, fail in (("plain", 0, False), ("clean", 0.5, False), ("failing", 0.5, True)):
        t = asyncio.create_task(grouped(label, clean, fail))
        await asyncio.sleep(0.5)
        t.cancel(f"stop {label}")
        try:
            log(f"{label} returned {await t!r}")
        except asyncio.CancelledError as e:
            log(f"{label} ended {e!r}, cancelled {t.cancelled()}")


run(main())
